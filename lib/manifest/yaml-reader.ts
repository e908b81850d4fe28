/**
 * The one YAML reader of every tool (validate, lint:k8s, reachability on files, tests): manifests
 * read the way kubectl reads them, so a file means the same thing to each tool and to the cluster.
 *
 * - YAML 1.1, as kubectl's go-yaml v2: unquoted `yes`, `on`, `y`, `off`... are booleans, so a
 *   string field written that way is caught as the boolean kubectl would send. go-yaml v2 keeps
 *   timestamps and `1:20` (sexagesimal) as strings, so those tags are not resolved.
 * - Hostile input is refused with one line, never a crash or a hang: bytes that are not UTF-8, and
 *   characters YAML 1.1 does not allow in a stream (controls, U+FFFE, U+FFFF, lone surrogates),
 *   are reported with their line and column; alias expansion is bounded (an "alias bomb" is
 *   refused; ordinary reuse of anchors is fine); a file with no object is a problem, not a pass.
 * - A `v1 List` document contributes its items, as with kubectl.
 */
import { DocumentOptions, parseAllDocuments, ParseOptions, SchemaOptions, Tags, ToJSOptions } from 'yaml';
import { isPlainObject, ManifestInputError } from './fields';

/**
 * Alias expansion budget per document, in the `yaml` library's measure (anchor uses times the
 * aliases inside the anchored node). The library's default, 100, refuses harmless files that
 * reuse one anchor 200 times; 10,000 admits those and still stops exponential expansion early.
 */
const MAX_ALIAS_COUNT = 10_000;

const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags: Tags) => tags.filter((tag) => typeof tag === 'string'
    ? !['timestamp', 'intTime', 'floatTime'].includes(tag)
    : tag.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in tag && tag.format === 'TIME')),
};
const TO_JS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };

/**
 * Characters a YAML 1.1 stream may hold: tab, line feed, carriage return, printable ASCII, NEL,
 * and the rest of the BMP except surrogates and U+FFFE/U+FFFF, plus the supplementary planes.
 * (A byte-order mark is allowed at the very start and stripped before this check.)
 */
const NOT_YAML_CHARACTER = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or values past U+10FFFF), or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let codePoint = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

/** `line L, column C` (1-based, columns in characters) of `index` in `text`. */
function position(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line}, column ${[...before.slice(before.lastIndexOf('\n') + 1)].length + 1}`;
}

/** `U+FFFE`, or `U+D800 (a lone surrogate)`. */
function codePointName(text: string, index: number): string {
  const code = text.codePointAt(index) as number;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0xd800 && code <= 0xdfff ? `${hex} (a lone surrogate)` : hex;
}

/** Text from bytes or a string, checked against what YAML 1.1 allows; throws one line naming the spot. */
function yamlText(input: string | Uint8Array, source: string): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const bad = firstInvalidUtf8Byte(input);
    if (bad >= 0) throw new ManifestInputError(source, `not valid UTF-8 (byte 0x${input[bad].toString(16).padStart(2, '0')} at offset ${bad}); manifests must be UTF-8 text`);
    text = new TextDecoder('utf-8').decode(input);
  }
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const match = NOT_YAML_CHARACTER.exec(text);
  if (match) {
    throw new ManifestInputError(source, `${position(text, match.index)}: character ${codePointName(text, match.index)} is not allowed in YAML 1.1 (as kubectl reads it); escape it inside a double-quoted string`);
  }
  return text;
}

/**
 * The objects of a multi-document manifest (empty documents skipped, `List` items expanded).
 * Throws `ManifestInputError` with one line on anything that is not readable YAML or holds no object.
 */
export function readManifests(input: string | Uint8Array, source: string): unknown[] {
  const text = yamlText(input, source);
  const objects: unknown[] = [];
  for (const [index, doc] of parseAllDocuments(text, KUBECTL_YAML).entries()) {
    const where = `${source}: document ${index + 1}`;
    const [problem] = doc.errors;
    if (problem) throw new ManifestInputError(where, `not valid YAML: ${problem.message.split('\n')[0].replace(/:$/, '')}`);
    let value: unknown;
    try {
      value = doc.toJS(TO_JS);
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        throw new ManifestInputError(where, `too many YAML aliases to expand (more than ${MAX_ALIAS_COUNT} alias uses); refusing what looks like an alias bomb`);
      }
      throw new ManifestInputError(where, `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. after a trailing `---`
    if (isPlainObject(value) && value.apiVersion === 'v1' && value.kind === 'List' && Array.isArray(value.items)) objects.push(...value.items);
    else objects.push(value);
  }
  if (objects.length === 0) throw new ManifestInputError(source, 'holds no object (an empty file or only empty documents); expected at least one manifest');
  return objects;
}
