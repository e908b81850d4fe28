/**
 * A small block-style YAML writer for JSON data, the only YAML we emit. It exists for speed
 * (a general YAML library is most of the cost of a synth) and for one property: whatever the
 * reader, YAML 1.1 (kubectl, ArgoCD) or 1.2, every value reads back as the same JSON. Strings are
 * written plain only when they cannot be read as anything else; otherwise they are double-quoted
 * JSON strings, which are valid YAML.
 */

/** Words YAML 1.1 or 1.2 reads as booleans or null. */
const SPECIAL_WORDS = /^(?:y|yes|n|no|true|false|on|off|null|~)$/i;
/** Plain-safe: no indicator at the start (except `./`), no `: ` or ` #`, no flow or quote characters. */
const PLAIN = /^(?:[A-Za-z_/]|\.\/)[A-Za-z0-9_./=+*-]*(?::[A-Za-z0-9_./=+*-]+)*$/;
/** A path-like string starting with a digit, e.g. an ECR image: no number, date or time has a `/`. */
const DIGIT_PATH = /^\d[A-Za-z0-9_./=+*-]*(?::[A-Za-z0-9_./=+*-]+)*$/;
/** Number-like to some reader (e.g. `e0`, `1_000`, `.5`): always quoted. */
const NUMERIC_LOOKING = /^[0-9._eE+-]+$/;
/** A number with a unit such as `30s`, `25%`, `500m` or `1Gi`: a string to every reader. */
const WITH_UNIT = /^\d+(?:\.\d+)?(?:[a-zA-Z]+|%)$/;
/** Hexadecimal, octal and binary prefixes: `0xA` is the number 10. */
const RADIX_PREFIX = /^0[xXoObB]/;
/** A dotted version such as `1.3.0-rc.2`: three or more parts, never a number, date or time in YAML. */
const VERSION = /^\d+(?:\.\d+){2,}(?:[-+][0-9A-Za-z.-]+)?$/;

/** Characters that may not appear raw in a YAML 1.1 stream or that readers misread, lone surrogates included. */
const NEEDS_ESCAPE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What JSON.stringify leaves raw among those. */
const NEEDS_JSON_ESCAPE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML: not a JSON number`);
    const text = String(value);
    // YAML 1.1 floats need a dot: `1e+21` would read back as a string.
    return /e/.test(text) && !text.includes('.') ? text.replace('e', '.0e') : text;
  }
  if (VERSION.test(value) || (WITH_UNIT.test(value) && !NUMERIC_LOOKING.test(value) && !RADIX_PREFIX.test(value))) return value;
  if (DIGIT_PATH.test(value) && value.includes('/') && /[A-Za-z]/.test(value)) return value;
  if (PLAIN.test(value) && !SPECIAL_WORDS.test(value) && !NUMERIC_LOOKING.test(value)) return value;
  // Single quotes read better for embedded JSON; they hold anything printable but `'`.
  if (value.includes('"') && !NEEDS_ESCAPE.test(value) && !value.includes("'")) return `'${value}'`;
  // JSON escapes controls and (since ES2019) lone surrogates; the rest YAML readers refuse or
  // misread (C1 controls, line and paragraph separators, the byte-order mark, the non-characters
  // U+FFFE and U+FFFF) are escaped here, so the text is valid YAML 1.1 for any string.
  return JSON.stringify(value).replace(NEEDS_JSON_ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Lines of a non-empty collection at `indent`; scalars and empty collections stay inline. */
function block(value: object, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isScalar(item) || isEmpty(item)) {
        out.push(`${indent}- ${inline(item)}`);
      } else {
        // The item's block one level deeper, with its first line's indentation turned into `- `.
        const start = out.length;
        block(item as object, `${indent}  `, out);
        out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
      }
    }
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (isScalar(item) || isEmpty(item)) {
      out.push(`${indent}${scalar(key)}: ${inline(item)}`);
    } else {
      out.push(`${indent}${scalar(key)}:`);
      block(item as object, `${indent}  `, out);
    }
  }
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
}

function inline(value: unknown): string {
  if (isScalar(value)) return scalar(value);
  if (Array.isArray(value)) return '[]';
  return '{}';
}

/** One YAML document (without `---`) for a JSON value, ending in a newline. */
export function toYaml(value: unknown): string {
  if (value === undefined) throw new Error('cannot write undefined as YAML');
  if (isScalar(value) || isEmpty(value)) return `${inline(value)}\n`;
  const out: string[] = [];
  block(value as object, '', out);
  return `${out.join('\n')}\n`;
}
