/**
 * The object-metadata checks a Kubernetes API server runs before it stores an object
 * (apimachinery's ValidateObjectMeta and the name, label and annotation helpers it calls). The
 * OpenAPI schemas only say these fields are strings; the syntax rules live here. Messages follow
 * the API server's wording, shortened.
 */
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, MAX_LABEL_LENGTH, MAX_SUBDOMAIN_LENGTH } from '../../model/dns';
import { isPlainObject } from '../../manifest/fields';
import { childPath } from './schema-check';

/** How a kind's `metadata.name` is validated. */
export type NameRule = 'dns-subdomain' | 'dns-label' | 'dns-1035-label' | 'path-segment';

/** Receives each problem found, at a path like `metadata.labels.app`. */
export type Report = (path: string, message: string) => void;

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_MAX = MAX_LABEL_LENGTH;
const SUBDOMAIN_MAX = MAX_SUBDOMAIN_LENGTH;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Most kinds take a DNS-1123 subdomain; Namespaces a DNS-1123 label, Services a DNS-1035 label
 * (their names become DNS labels), RBAC objects any path segment (e.g. `system:node`).
 */
export function nameRuleFor(apiVersion: string, kind: string): NameRule {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group === '' && kind === 'Namespace') return 'dns-label';
  if (group === '' && kind === 'Service') return 'dns-1035-label';
  if (group === 'rbac.authorization.k8s.io') return 'path-segment';
  return 'dns-subdomain';
}

/** Why `name` breaks `rule`, or undefined when it is valid. */
function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'dns-subdomain': return dnsSubdomainProblem(name);
    case 'dns-label': return dnsLabelProblem(name);
    case 'dns-1035-label':
      if (name.length > LABEL_MAX) return `must be no more than ${LABEL_MAX} characters`;
      return DNS1035_LABEL.test(name) ? undefined
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name')";
    case 'path-segment':
      if (name === '.' || name === '..') return `may not be '${name}'`;
      return /[/%]/.test(name) ? "may not contain '/' or '%'" : undefined;
  }
}

function dnsLabelProblem(value: string): string | undefined {
  if (value.length > LABEL_MAX) return `must be no more than ${LABEL_MAX} characters`;
  return DNS1123_LABEL.test(value) ? undefined
    : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')";
}

function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > SUBDOMAIN_MAX) return `must be no more than ${SUBDOMAIN_MAX} characters`;
  return DNS1123_SUBDOMAIN.test(value) ? undefined
    : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "a qualified name is a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/my-name')";
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') return 'prefix part must be non-empty';
    const prefixProblem = dnsSubdomainProblem(parts[0]);
    if (prefixProblem) return `prefix part ${prefixProblem}`;
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > LABEL_MAX) return `name part must be no more than ${LABEL_MAX} characters`;
  return QUALIFIED_NAME_PART.test(name) ? undefined
    : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
}

function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_MAX) return `must be no more than ${LABEL_MAX} characters`;
  return LABEL_VALUE.test(value) ? undefined
    : "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
}

/**
 * `metadata.name` (present, valid for the kind) and `metadata.namespace` of a top-level object;
 * type errors are left to the schema.
 */
export function checkObjectIdentity(metadata: unknown, rule: NameRule, report: Report): void {
  const name = isPlainObject(metadata) ? metadata.name : undefined;
  if (name === undefined || name === null || name === '') {
    report('metadata.name', 'required field is missing');
  } else if (typeof name === 'string') {
    const problem = nameProblem(name, rule);
    if (problem) report('metadata.name', `invalid name ${JSON.stringify(name)}: ${problem}`);
  }
  const namespace = isPlainObject(metadata) ? metadata.namespace : undefined;
  if (typeof namespace === 'string' && namespace !== '') {
    const problem = dnsLabelProblem(namespace);
    if (problem) report('metadata.namespace', `invalid namespace ${JSON.stringify(namespace)}: ${problem}`);
  }
}

/** Label and annotation syntax of any ObjectMeta (top-level or a pod template's). */
export function checkObjectMeta(metadata: unknown, path: string, report: Report): void {
  if (!isPlainObject(metadata)) return;
  if (isPlainObject(metadata.labels)) checkLabels(metadata.labels, childPath(path, 'labels'), report);
  if (isPlainObject(metadata.annotations)) checkAnnotations(metadata.annotations, childPath(path, 'annotations'), report);
}

/** Label syntax in a LabelSelector's matchLabels and matchExpressions keys. */
export function checkLabelSelector(selector: unknown, path: string, report: Report): void {
  if (!isPlainObject(selector)) return;
  if (isPlainObject(selector.matchLabels)) checkLabels(selector.matchLabels, childPath(path, 'matchLabels'), report);
  if (!Array.isArray(selector.matchExpressions)) return;
  selector.matchExpressions.forEach((expression: unknown, i) => {
    if (!isPlainObject(expression) || typeof expression.key !== 'string') return;
    const problem = qualifiedNameProblem(expression.key);
    if (problem) report(`${childPath(path, 'matchExpressions')}[${i}].key`, `invalid label key ${JSON.stringify(expression.key)}: ${problem}`);
  });
}

function checkLabels(labels: Record<string, unknown>, path: string, report: Report): void {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) report(childPath(path, key), `invalid label key ${JSON.stringify(key)}: ${keyProblem}`);
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : undefined;
    if (valueProblem) report(childPath(path, key), `invalid label value ${JSON.stringify(value)}: ${valueProblem}`);
  }
}

function checkAnnotations(annotations: Record<string, unknown>, path: string, report: Report): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) report(childPath(path, key), `invalid annotation key ${JSON.stringify(key)}: ${keyProblem}`);
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) report(path, `annotations total ${bytes} bytes; must have at most ${ANNOTATIONS_MAX_BYTES} bytes`);
}
