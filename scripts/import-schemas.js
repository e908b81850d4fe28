#!/usr/bin/env node
/*
 * Generates imports/schemas/: the API schemas that lib/validation checks manifests against, from
 * the pinned upstream sources below. Never edit its output by hand; rerun this instead.
 *
 *   node scripts/import-schemas.js                  download the sources (npm run import)
 *   node scripts/import-schemas.js --local <dir>    read them from <dir> (npm run import:local,
 *                                                   with ../shared)
 *
 * Both write identical files.
 *
 * What is kept of each schema: the keywords the validator enforces (types, formats, properties,
 * required, enums, items, maps, oneOf/anyOf/allOf/not, the value constraints a CRD's structural
 * schema carries, x-kubernetes-preserve-unknown-fields / -int-or-string / -list-type /
 * -list-map-keys). Dropped: descriptions, defaults, examples, CEL rules (x-kubernetes-validations)
 * and the other documentation and merge-strategy annotations. A keyword that is in neither list
 * stops the generator, so an upstream schema feature is never dropped silently.
 *
 * Kubernetes enums: the official definitions carry none (only `kind`), but the API server
 * enforces the values of the Go types marked `+enum`. They are harvested from the npm package
 * kubernetes-models 4.3.1 (generated from Kubernetes 1.27.1 with those enums; a devDependency for
 * this script only) for fields that exist in the target's definitions, then corrected by
 * ENUM_CORRECTIONS (values checked against the `+enum` types of k8s.io/api v0.28.0 and v0.35.0).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'imports', 'schemas');

/** The pinned sources: the same pins as ../shared/README.md lists, with their upstream URLs. */
const SOURCES = [
  {
    id: 'kubernetes-1.28.0', format: 'kubernetes', version: '1.28.0',
    local: ['schemas/kubernetes-1.28.0-definitions.json'],
    urls: ['https://raw.githubusercontent.com/cdk8s-team/cdk8s/HEAD/kubernetes-schemas/v1.28.0/_definitions.json'],
  },
  {
    id: 'kubernetes-1.35.0', format: 'kubernetes', version: '1.35.0',
    local: ['schemas/kubernetes-1.35.0-definitions.json'],
    urls: ['https://raw.githubusercontent.com/cdk8s-team/cdk8s/HEAD/kubernetes-schemas/v1.35.0/_definitions.json'],
  },
  {
    id: 'istio-1.19.10', format: 'crds', provider: 'Istio 1.19.10',
    local: ['crds/istio-1.19.10.yaml'],
    urls: ['https://raw.githubusercontent.com/istio/api/1.19.10/kubernetes/customresourcedefinitions.gen.yaml'],
  },
  {
    id: 'istio-1.30.3', format: 'crds', provider: 'Istio 1.30.3',
    local: ['crds/istio-1.30.3.yaml'],
    urls: ['https://raw.githubusercontent.com/istio/istio/1.30.3/manifests/charts/base/files/crd-all.gen.yaml'],
  },
  {
    id: 'cert-manager-1.21.1', format: 'crds', provider: 'cert-manager 1.21.1',
    kinds: ['Certificate', 'CertificateRequest', 'ClusterIssuer', 'Issuer'],
    local: ['crds/cert-manager-1.21.1.yaml'],
    urls: ['certificates', 'certificaterequests', 'clusterissuers', 'issuers']
      .map((name) => `https://raw.githubusercontent.com/cert-manager/cert-manager/v1.21.1/deploy/crds/cert-manager.io_${name}.yaml`),
  },
  {
    id: 'external-secrets-1.3.2', format: 'crds', provider: 'external-secrets 1.3.2',
    kinds: ['ClusterSecretStore', 'ExternalSecret', 'SecretStore'],
    local: ['crds/external-secrets-1.3.2.yaml'],
    urls: ['https://raw.githubusercontent.com/external-secrets/external-secrets/v1.3.2/deploy/crds/bundle.yaml'],
  },
];

/** Schema keywords kept. */
const KEPT = new Set([
  'type', 'format', 'nullable', 'enum', 'properties', 'required', 'additionalProperties', 'items', '$ref',
  'oneOf', 'anyOf', 'allOf', 'not',
  'maxLength', 'minLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-embedded-resource',
]);
/** Schema keywords dropped: documentation, defaulting, CEL, merge strategies. */
const DROPPED = new Set([
  'description', 'title', 'default', 'example', 'externalDocs', 'x-kubernetes-validations', 'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy', 'x-kubernetes-unions', 'x-kubernetes-group-version-kind',
]);
/** Kubernetes definitions also keep no list-type: the API server validates built-ins in Go code, not from these. */
const KUBERNETES_DROPPED = new Set(['x-kubernetes-list-type', 'x-kubernetes-list-map-keys']);

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/**
 * Each output file is one JSON object, one entry a line: first this key, with the source's id,
 * provider and kinds, then one schema a line (Kubernetes definitions by id; CRD versions by
 * `group/version/Kind`), so that the validator parses only the lines it needs.
 */
const SOURCE_KEY = '@source';
/**
 * Kubernetes definitions that are `type: object` with no properties because their Go types
 * marshal themselves (managed fields, patches, embedded objects): they take any content. Other
 * property-less objects are empty structs, where strict decoding rejects every field.
 */
const OPAQUE_OBJECTS = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1', 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', 'io.k8s.apimachinery.pkg.runtime.RawExtension',
];

/**
 * Enum values kubernetes-models 4.3.1 (Kubernetes 1.27.1) does not have right for a target, by
 * Kubernetes version, definition id and field. `null` removes the enum. Sources: the `+enum` Go
 * types of k8s.io/api at the version's tag (v0.28.0, v0.35.0), and the API server's validation
 * for fields the package does not know. Compared field by field: apart from these, the package's
 * values equal the `+enum` values wherever both have the field. Left as they are on purpose:
 * Toleration `operator` stays Equal/Exists on 1.35 (Gt/Lt are a 1.35 alpha, off by default);
 * Container `restartPolicy` has no enum on 1.35 (Never/OnFailure depend on the ContainerRestartRules
 * gate). Not covered for 1.35: `+enum` fields added after 1.27 other than those below (e.g.
 * Lifecycle `stopSignal`, the resource.k8s.io DRA types) are checked as plain strings.
 */
const ENUM_CORRECTIONS = {
  '1.28.0': {
    // Sidecar containers (new in 1.28): validation accepts only `Always`.
    'io.k8s.api.core.v1.Container': { restartPolicy: ['Always'] },
    'io.k8s.api.core.v1.EphemeralContainer': { restartPolicy: ['Always'] },
    'io.k8s.api.batch.v1.JobSpec': { podReplacementPolicy: ['Failed', 'TerminatingOrFailed'] },
  },
  '1.35.0': {
    'io.k8s.api.batch.v1.JobSpec': { podReplacementPolicy: ['Failed', 'TerminatingOrFailed'] },
    // FailIndex came with backoffLimitPerIndex (GA in 1.33).
    'io.k8s.api.batch.v1.PodFailurePolicyRule': { action: ['Count', 'FailIndex', 'FailJob', 'Ignore'] },
    'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': {
      scopeName: ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'],
    },
    // Pod fields added after 1.27 whose Go types are `+enum`.
    'io.k8s.api.core.v1.AppArmorProfile': { type: ['Localhost', 'RuntimeDefault', 'Unconfined'] },
    'io.k8s.api.core.v1.PodSecurityContext': { supplementalGroupsPolicy: ['Merge', 'Strict'] },
    'io.k8s.api.core.v1.ImageVolumeSource': { pullPolicy: ['Always', 'IfNotPresent', 'Never'] },
  },
};

// ---------------------------------------------------------------------------------------------
// Reading the sources

async function readSource(source, localDir) {
  if (localDir) return source.local.map((file) => fs.readFileSync(path.join(localDir, file), 'utf8'));
  const texts = [];
  for (const url of source.urls) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    texts.push(await response.text());
  }
  return texts;
}

// ---------------------------------------------------------------------------------------------
// Compacting schemas

/**
 * A copy of `schema` with only the kept keywords; `$ref: #/definitions/X` becomes `$ref: X`.
 * Property names are kept whatever they are (a field may be called `description`).
 */
function compact(schema, where, options) {
  if (typeof schema === 'boolean') return schema;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`${where}: not a schema`);
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || options.drop?.has(key)) continue;
    if (!KEPT.has(key)) throw new Error(`${where}: unknown schema keyword ${JSON.stringify(key)}; decide whether the validator needs it`);
    switch (key) {
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, compact(child, `${where}.${name}`, options)]));
        break;
      case 'items':
      case 'not':
        out[key] = compact(value, `${where}.${key}`, options);
        break;
      case 'additionalProperties':
        out[key] = compact(value, `${where}{}`, options);
        break;
      case 'oneOf':
      case 'anyOf':
      case 'allOf':
        out[key] = value.map((branch, i) => compact(branch, `${where}.${key}[${i}]`, options));
        break;
      case 'pattern':
        // The validator runs patterns as JavaScript regular expressions: each must compile.
        new RegExp(value, 'u');
        out.pattern = value;
        break;
      case '$ref':
        if (!value.startsWith('#/definitions/')) throw new Error(`${where}: unexpected $ref ${value}`);
        out.$ref = value.slice('#/definitions/'.length);
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

/** One entry per line, so that a regenerated file diffs by definition. */
function writeJsonLines(file, entries) {
  const lines = Object.entries(entries).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `{\n${lines.join(',\n')}\n}\n`);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes definitions

/** `{ definitionId: { field: values } }` from the kubernetes-models 4.3.1 schema literals. */
function harvestPackageEnums() {
  const pkg = require('kubernetes-models/package.json');
  if (pkg.version !== '4.3.1') throw new Error(`kubernetes-models ${pkg.version}: ENUM_CORRECTIONS were checked against 4.3.1`);
  const dir = path.join(path.dirname(require.resolve('kubernetes-models/package.json')), '_schemas');
  const literal = /^const schema = (\{\}|\{\n[\s\S]*?\n\});$/m;
  const registered = /\(0, validate_1\.register\)\("([^"]+)", schema\)/;
  const enums = {};
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.js')).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const [schemaMatch, idMatch] = [literal.exec(text), registered.exec(text)];
    if (!schemaMatch || !idMatch) throw new Error(`kubernetes-models: ${file} is not in the layout this script reads`);
    const schema = JSON.parse(schemaMatch[1]);
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      // apiVersion and kind enums only restate the kind; the validator checks those itself.
      if (Array.isArray(property.enum) && field !== 'apiVersion' && field !== 'kind') {
        (enums[idMatch[1]] ??= {})[field] = property.enum;
      }
    }
  }
  return enums;
}

function kubernetesSchemas(source, [text], packageEnums) {
  const { definitions } = JSON.parse(text);
  const options = { drop: KUBERNETES_DROPPED };
  const out = {};
  const kinds = [];
  for (const id of Object.keys(definitions).sort()) {
    const definition = definitions[id];
    const schema = compact(definition, id, options);
    // `kind` enums restate the definition's kind; the validator looks kinds up by apiVersion and kind.
    if (schema.properties?.kind?.enum) delete schema.properties.kind.enum;
    const gvks = definition['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.length === 1) {
      const { group, version, kind } = gvks[0];
      kinds.push([group ? `${group}/${version}` : version, kind, id]);
    }
    out[id] = schema;
  }
  // Go types with their own JSON form: any content is kept as it is.
  for (const id of OPAQUE_OBJECTS) {
    if (JSON.stringify(out[id]) !== '{"type":"object"}') throw new Error(`${id}: expected a bare object schema`);
    out[id]['x-kubernetes-preserve-unknown-fields'] = true;
  }
  // int-or-string is an int32 when it is a number; a quantity string has a syntax (format `quantity`).
  setBranchFormat(out['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], 'integer', 'int32');
  setBranchFormat(out['io.k8s.apimachinery.pkg.api.resource.Quantity'], 'string', 'quantity');
  // Number first, so that messages read "a number or a string" as they always have.
  out['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf.sort((a, b) => compareText(a.type, b.type));
  const corrections = ENUM_CORRECTIONS[source.version] ?? {};
  for (const id of [...new Set([...Object.keys(packageEnums), ...Object.keys(corrections)])].sort()) {
    const fields = { ...packageEnums[id], ...corrections[id] };
    for (const [field, values] of Object.entries(fields)) {
      const property = out[id]?.properties?.[field];
      if (!property) {
        if (corrections[id]?.[field]) throw new Error(`ENUM_CORRECTIONS: ${id}.${field} is not in Kubernetes ${source.version}`);
        continue; // a field 1.27 had and this version does not
      }
      if (values === null) continue;
      if (property.type !== 'string') throw new Error(`${id}.${field}: an enum on a ${property.type} field`);
      property.enum = [...values].sort();
    }
  }
  kinds.sort((a, b) => compareText(`${a[0]} ${a[1]}`, `${b[0]} ${b[1]}`));
  return { schemas: out, kinds };
}

function setBranchFormat(schema, type, format) {
  const branch = schema?.oneOf?.find((b) => b.type === type);
  if (!branch) throw new Error(`no ${type} branch to mark ${format}`);
  branch.format = format;
}

// ---------------------------------------------------------------------------------------------
// CustomResourceDefinitions

function crdSchemas(source, texts) {
  const crds = texts.flatMap((text) => YAML.parseAllDocuments(text).map((doc) => doc.toJS()))
    .filter((doc) => doc && doc.kind === 'CustomResourceDefinition')
    .filter((crd) => !source.kinds || source.kinds.includes(crd.spec.names.kind));
  if (source.kinds) {
    const found = crds.map((crd) => crd.spec.names.kind).sort();
    if (JSON.stringify(found) !== JSON.stringify([...source.kinds].sort())) throw new Error(`${source.id}: expected CRDs ${source.kinds}, found ${found}`);
  }
  const kinds = [];
  const schemas = {};
  for (const crd of crds) {
    const { group, names, scope } = crd.spec;
    for (const version of crd.spec.versions) {
      const apiVersion = `${group}/${version.name}`;
      const key = `${apiVersion}/${names.kind}`;
      kinds.push([apiVersion, names.kind, version.served === true, scope]);
      if (!version.served) continue;
      const schema = compact(version.schema.openAPIV3Schema, key, {});
      // What the API server checks of every custom resource: the envelope and ObjectMeta. A CRD
      // may only say `type: object` of metadata.
      const metadata = schema.properties?.metadata;
      if (metadata && JSON.stringify(metadata) !== '{"type":"object"}') throw new Error(`${key}: metadata schema ${JSON.stringify(metadata)} is not handled`);
      schema.properties = {
        apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: OBJECT_META }, ...schema.properties,
      };
      schema.properties.metadata = { $ref: OBJECT_META };
      schemas[key] = schema;
    }
  }
  kinds.sort((a, b) => compareText(`${a[0]} ${a[1]}`, `${b[0]} ${b[1]}`));
  // Sorted, so that the output does not depend on the order of the CRDs in their files.
  const sorted = Object.fromEntries(Object.keys(schemas).sort(compareText).map((key) => [key, schemas[key]]));
  return { schemas: sorted, kinds };
}

/** Code-unit order, independent of the machine's locale. */
function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  const localIndex = args.indexOf('--local');
  const localDir = localIndex >= 0 ? args[localIndex + 1] : undefined;
  if (localIndex >= 0 && !localDir) throw new Error('usage: import-schemas.js [--local <dir>]');
  const packageEnums = harvestPackageEnums();
  const files = [];
  for (const source of SOURCES) {
    const texts = await readSource(source, localDir);
    const { schemas, kinds } = source.format === 'kubernetes' ? kubernetesSchemas(source, texts, packageEnums) : crdSchemas(source, texts);
    const header = { id: source.id, provider: source.provider ?? `Kubernetes ${source.version.split('.').slice(0, 2).join('.')}`, format: source.format, kinds };
    files.push([`${source.id}.json`, { [SOURCE_KEY]: header, ...schemas }]);
    process.stdout.write(`${source.id}: ${kinds.length} kinds, ${Object.keys(schemas).length} schemas\n`);
  }
  // Written only once every source has been read and checked.
  fs.rmSync(OUT, { recursive: true, force: true });
  for (const [name, entries] of files) writeJsonLines(path.join(OUT, name), entries);
}

main().catch((error) => {
  process.stderr.write(`import-schemas: ${error.message}\n`);
  process.exit(1);
});
