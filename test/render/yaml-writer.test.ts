import fc from 'fast-check';
import { parse } from 'yaml';
import { readManifests } from '../../lib/manifest/yaml-reader';
import { toYaml } from '../../lib/render/yaml-writer';

/** Reads YAML as kubectl (1.1) or a 1.2 reader would, back to JSON text. */
const readBack = (text: string, version: '1.1' | '1.2') => JSON.stringify(parse(text, { version }));

describe('toYaml', () => {
  test('property: any JSON value reads back identically in YAML 1.1 and 1.2', () => {
    const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(fc.property(json, (value) => {
      const text = toYaml(value);
      expect(readBack(text, '1.1')).toBe(JSON.stringify(value));
      expect(readBack(text, '1.2')).toBe(JSON.stringify(value));
    }), { numRuns: 150 });
  });

  test('property: strings that look like other types stay strings', () => {
    const tricky = fc.oneof(
      fc.constantFrom('1.2.3', '10.0.0-rc.1', '12.dkr/app:1.0', '2001-12-14t21:59:43.10-05:00', '2001-12-14', '190:20:30', './a', 'a/*', '=', '30s', '25%', '512Mi', '0x', '0b1', '0o7', '1_0s', '0xA', '0XFF', '0xabc', '0b', '0o17', 'on', 'Off', 'yes', 'N', 'null', '~', 'true', '0755', '0x1F', '1e3', '1_000', '1:20', '2024-01-31', '.inf', '-', '*', '&a', '!x', '@x', '%x', '`x', '# x', 'a: b', 'a #b', 'a:', '', ' a', 'a ', '1.0', '+1', '-1'),
      fc.string({ unit: fc.constantFrom('a', '1', ':', ' ', '-', '.', '#', '"', "'", '\n', '*', 'y', 'e', '0', 'x', 'b', 'o', 'h', 's', '%', '_', '/', 't', '*', '=') }),
    );
    fc.assert(fc.property(fc.dictionary(tricky, tricky), (value) => {
      expect(readBack(toYaml(value), '1.1')).toBe(JSON.stringify(value));
    }), { numRuns: 150 });
  });

  test('property: any unicode string reads back identically', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (value) => {
      const text = toYaml(value);
      expect(readBack(text, '1.1')).toBe(JSON.stringify(value));
      expect(readBack(text, '1.2')).toBe(JSON.stringify(value));
    }), { numRuns: 120 });
  });

  test('readable block style, plain where safe', () => {
    expect(toYaml({ metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } }, ports: [{ port: 8080, name: 'http' }], hosts: ['*'], empty: {}, none: [], version: '1.3.0-rc.2' }))
      .toBe([
        'metadata:',
        '  name: a',
        '  labels:',
        '    app.kubernetes.io/name: x',
        'ports:',
        '  - port: 8080',
        '    name: http',
        'hosts:',
        '  - "*"',
        'empty: {}',
        'none: []',
        'version: 1.3.0-rc.2',
        '',
      ].join('\n'));
  });

  test('refuses values JSON cannot hold', () => {
    expect(() => toYaml({ a: Number.NaN })).toThrow('not a JSON number');
    expect(() => toYaml(undefined)).toThrow('undefined');
  });
});

describe('the whole Unicode range, as YAML 1.1 readers take it', () => {
  /** Any UTF-16 code unit, so lone surrogates, U+FFFE and U+FFFF come up as often as anything else. */
  const anyCodeUnits = fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom('\ufffe', '\uffff', '\ud800', '\udfff', '\u2028', '\ufeff', '\u0085', '"', "'")), maxLength: 12 });
  const anyCodePoints = fc.string({ unit: 'binary', maxLength: 12 });

  test('property: any string, however broken, is written with only characters YAML 1.1 allows and reads back the same', () => {
    fc.assert(fc.property(fc.dictionary(fc.oneof(anyCodeUnits, anyCodePoints), fc.oneof(anyCodeUnits, anyCodePoints)), (data) => {
      const text = toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data });
      // The one reader refuses any character outside YAML 1.1's printable set, and reads as kubectl does.
      const [read] = readManifests(text, 'out.yaml') as [{ data: Record<string, string> }];
      expect(JSON.stringify(read.data)).toBe(JSON.stringify(data));
    }), { numRuns: 120 });
  });

  test.each(['\ufffe', '\uffff', '\ud800', 'a\udc00b', '"\ufffe"'])('%j is escaped, not written raw', (value) => {
    const text = toYaml({ v: value });
    expect(text).toMatch(/^v: "[\x20-\x7e]*"\n$/);
  });
});
