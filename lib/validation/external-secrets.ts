/**
 * Strictness for external-secrets.io/v1 ExternalSecret, which no npm schema package covers at
 * 1.3.2. The classes `cdk8s import` generated from the pinned CRD (imports/) know every field:
 * their `toJson` keeps exactly the schema's fields, so a field the round trip drops is unknown.
 * Enum fields are checked against the generated enums. Types and required fields are not checked
 * here (the generated code carries them only as TypeScript types).
 */
import {
  ExternalSecret, ExternalSecretProps, ExternalSecretSpecRefreshPolicy, ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secrets-external-secrets.io';
import { isPlainObject } from './schema-check';

type Report = (path: string, message: string) => void;

/** Enum-typed fields of the spec, by path, with their allowed values. */
const ENUM_FIELDS: ReadonlyArray<readonly [readonly string[], readonly string[]]> = [
  [['refreshPolicy'], Object.values(ExternalSecretSpecRefreshPolicy)],
  [['secretStoreRef', 'kind'], Object.values(ExternalSecretSpecSecretStoreRefKind)],
  [['target', 'creationPolicy'], Object.values(ExternalSecretSpecTargetCreationPolicy)],
  [['target', 'deletionPolicy'], Object.values(ExternalSecretSpecTargetDeletionPolicy)],
];

/** Reports unknown fields and bad enum values in an ExternalSecret's `spec`. */
export function checkExternalSecretSpec(spec: unknown, report: Report): void {
  if (spec === undefined || spec === null) return;
  let known: unknown;
  try {
    known = ExternalSecret.manifest({ spec } as ExternalSecretProps).spec;
  } catch {
    // The generated mapper walks arrays and objects; a wrong container type makes it throw.
    report('spec', 'does not match the ExternalSecret schema (an array or object field has the wrong type)');
    return;
  }
  reportUnknownFields(spec, known, 'spec', report);
  for (const [path, allowed] of ENUM_FIELDS) {
    const value = path.reduce<unknown>((v, key) => (isPlainObject(v) ? v[key] : undefined), spec);
    if (value !== undefined && !allowed.includes(value as string)) {
      report(`spec.${path.join('.')}`, `unsupported value ${JSON.stringify(value)}: expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    }
  }
}

function reportUnknownFields(input: unknown, known: unknown, path: string, report: Report): void {
  if (Array.isArray(input) && Array.isArray(known)) {
    input.forEach((item, i) => reportUnknownFields(item, known[i], `${path}[${i}]`, report));
  } else if (isPlainObject(input) && isPlainObject(known)) {
    for (const [key, value] of Object.entries(input)) {
      if (!(key in known)) report(`${path}.${key}`, `unknown field ${JSON.stringify(key)}`);
      else reportUnknownFields(value, known[key], `${path}.${key}`, report);
    }
  }
}
