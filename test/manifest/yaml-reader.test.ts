/** The one YAML reader: kubectl's YAML 1.1 reading, and hostile input refused in one line. */
import { ManifestInputError } from '../../lib/manifest/fields';
import { firstInvalidUtf8Byte, readManifests } from '../../lib/manifest/yaml-reader';

const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n${data}`;

/** The one-line problem `readManifests` throws (fails the test when it does not). */
function problemOf(input: string | Uint8Array): string {
  try {
    readManifests(input, 'f.yaml');
  } catch (e) {
    if (e instanceof ManifestInputError) return e.message;
    throw e;
  }
  throw new Error('expected a ManifestInputError');
}

test('YAML 1.1 as kubectl reads it: yes/on are booleans, timestamps and 1:20 stay strings', () => {
  expect(readManifests(cm('  a: yes\n  b: on\n  c: 2024-01-31\n  d: 1:20\n'), 'f.yaml')).toEqual([
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: true, b: true, c: '2024-01-31', d: '1:20' } },
  ]);
});

test('List documents are expanded, empty documents skipped, a leading byte-order mark allowed', () => {
  const list = 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n  - {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n';
  expect(readManifests(`\ufeff---\n${list}---\n---\n`, 'f.yaml').map((o) => (o as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'b']);
});

test('an anchor reused 200 times is fine; an alias bomb is refused in one line', () => {
  const reused = `anchors:\n  base: &b {x: 1}\n${Array.from({ length: 200 }, (_, i) => `  k${i}: *b\n`).join('')}`;
  expect(readManifests(cm(reused.replace(/^/gm, '  ')), 'f.yaml')).toHaveLength(1);
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  expect(problemOf(levels.join('\n'))).toMatch(/^f\.yaml: document 1: too many YAML aliases to expand/);
});

test.each([
  ['an empty file', '', /^f\.yaml: holds no object/],
  ['only separators and comments', '---\n# nothing\n---\n', /^f\.yaml: holds no object/],
  ['broken YAML', 'a: [\n', /^f\.yaml: document 1: not valid YAML: /],
  ['U+FFFE', cm('  a: "x\ufffe"\n'), /^f\.yaml: line 6, column 8: character U\+FFFE is not allowed in YAML 1\.1/],
  ['U+FFFF', 'a: \uffff\n', /character U\+FFFF is not allowed/],
  ['a lone surrogate', 'a: \ud800\n', /character U\+D800 \(a lone surrogate\) is not allowed/],
  ['a control character', 'a: \u0007\n', /line 1, column 4: character U\+0007 is not allowed/],
])('refuses %s with one line', (_name, input, message) => {
  const problem = problemOf(input);
  expect(problem).toMatch(message);
  expect(problem).not.toContain('\n');
});

test('bytes that are not UTF-8 are refused with their offset', () => {
  expect(problemOf(Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28]))).toBe('f.yaml: not valid UTF-8 (byte 0xc3 at offset 3); manifests must be UTF-8 text');
  expect(readManifests(Buffer.from(cm('  a: "caf\u00e9 \u{1f600}"\n'), 'utf8'), 'f.yaml')).toHaveLength(1);
});

test.each([
  [[0xc0, 0x80], 0], // overlong NUL
  [[0xed, 0xa0, 0x80], 0], // an encoded surrogate
  [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
  [[0x61, 0xe2, 0x82], 1], // truncated
  [[0x61, 0xe2, 0x82, 0xac], -1], // the euro sign
])('firstInvalidUtf8Byte(%j) is %i', (bytes, offset) => {
  expect(firstInvalidUtf8Byte(Uint8Array.from(bytes))).toBe(offset);
});
