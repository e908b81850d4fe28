/**
 * The schema checker keyword by keyword: each check accepts what it should and rejects, at the
 * right path, what it should not.
 */
import { JsonSchema } from '../../lib/checks/validation/json-schema';
import { checkValue } from '../../lib/checks/validation/schema-check';
import { parseSchemaSource } from '../../lib/checks/validation/schema-store';

const definitions: Record<string, JsonSchema> = {
  Port: { type: 'object', required: ['number'], properties: { number: { type: 'integer', format: 'int32' }, name: { type: 'string' } } },
};

function problems(value: unknown, schema: JsonSchema): string[] {
  const found: string[] = [];
  checkValue(value, schema, '', {
    resolve: (ref) => definitions[ref],
    report: (path, message) => found.push(path ? `${path}: ${message}` : message),
  });
  return found;
}

const obj = (properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema => ({ type: 'object', properties, ...extra });

describe('value constraints', () => {
  it.each<[string, JsonSchema, unknown, unknown, string]>([
    ['maxLength', { type: 'string', maxLength: 3 }, 'abc', 'abcd', 'v: may not be longer than 3 characters, got 4'],
    ['maxLength counts characters, not UTF-16 units', { type: 'string', maxLength: 2 }, '😀😀', '😀😀😀', 'v: may not be longer than 2 characters, got 3'],
    ['minLength', { type: 'string', minLength: 2 }, 'ab', 'a', 'v: must be at least 2 characters long, got 1'],
    ['pattern', { type: 'string', pattern: '^[a-z]+$' }, 'abc', 'aBc', 'v: invalid value "aBc": must match the pattern ^[a-z]+$'],
    ['pattern is a search, as in the API server', { type: 'string', pattern: '[0-9]' }, 'a1b', 'ab', 'v: invalid value "ab": must match the pattern [0-9]'],
    ['minimum', { type: 'integer', minimum: 1 }, 1, 0, 'v: must be greater than or equal to 1, got 0'],
    ['exclusiveMinimum', { type: 'number', minimum: 0, exclusiveMinimum: true }, 0.5, 0, 'v: must be greater than 0, got 0'],
    ['maximum', { type: 'integer', maximum: 100 }, 100, 101, 'v: must be less than or equal to 100, got 101'],
    ['exclusiveMaximum', { type: 'number', maximum: 1, exclusiveMaximum: true }, 0.9, 1, 'v: must be less than 1, got 1'],
    ['multipleOf', { type: 'integer', multipleOf: 5 }, 10, 12, 'v: must be a multiple of 5, got 12'],
    ['maxItems', { type: 'array', items: { type: 'string' }, maxItems: 1 }, ['a'], ['a', 'b'], 'v: must have at most 1 items, got 2'],
    ['minItems', { type: 'array', items: { type: 'string' }, minItems: 1 }, ['a'], [], 'v: must have at least 1 items, got 0'],
    ['maxProperties', { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 }, { a: 'x' }, { a: 'x', b: 'y' }, 'v: must have at most 1 properties, got 2'],
    ['minProperties', { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 }, { a: 'x' }, {}, 'v: must have at least 1 properties, got 0'],
    ['uniqueItems', { type: 'array', items: { type: 'integer' }, uniqueItems: true }, [1, 2], [1, 2, 1], 'v[2]: duplicate entry number 1: the list is a set (same as [0])'],
    ['list-type set', { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' }, ['a', 'b'], ['a', 'a'], 'v[1]: duplicate entry string "a": the list is a set (same as [0])'],
    ['list-type map', {
      type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
    }, [{ name: 'a', port: 1 }, { name: 'b', port: 1 }], [{ name: 'a', port: 1 }, { name: 'a', port: 2 }],
    'v[1]: duplicate entry: the list is a map keyed by "name", and [0] has the same key'],
    ['int-or-string', { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }, '50%', true, 'v: must be a string or an integer, got boolean true'],
    ['enum', { type: 'string', enum: ['A', 'B'] }, 'A', 'C', 'v: unsupported value "C"; supported values: "A", "B"'],
    ['format int32', { type: 'integer', format: 'int32' }, 2 ** 31 - 1, 2 ** 31, 'v: 2147483648 does not fit in a 32-bit integer'],
    ['format byte', { type: 'string', format: 'byte' }, 'aGk=', 'hi!', 'v: must be base64-encoded data'],
    ['format date-time', { type: 'string', format: 'date-time' }, '2024-01-31T12:00:00Z', '31.01.2024', 'v: invalid timestamp "31.01.2024": must be RFC 3339, e.g. 2024-01-31T12:00:00Z'],
    ['format quantity', { type: 'string', format: 'quantity' }, '1.5Gi', '1.5 GB', 'v: invalid quantity "1.5 GB": must be a number with an optional suffix such as 500m, 1.5, 128Mi or 2G'],
  ])('%s', (_, schema, good, bad, message) => {
    expect(problems({ v: good }, obj({ v: schema }))).toEqual([]);
    expect(problems({ v: bad }, obj({ v: schema }))).toEqual([message]);
  });
});

describe('fields', () => {
  it('rejects fields a schema does not declare, and any field of an empty struct', () => {
    expect(problems({ alpha: 1, zulu: 2 }, obj({ alpha: { type: 'integer' } }))).toEqual(['zulu: unknown field "zulu"']);
    expect(problems({ e: { x: 1 } }, obj({ e: { type: 'object' } }))).toEqual(['e.x: unknown field "x"']);
    expect(problems({ e: {} }, obj({ e: { type: 'object' } }))).toEqual([]);
  });

  it('keeps unknown fields where the schema preserves them, and checks the declared ones', () => {
    const schema = obj({ p: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } } });
    expect(problems({ p: { anything: [1, { deep: true }], n: 1 } }, schema)).toEqual([]);
    expect(problems({ p: { n: 'one' } }, schema)).toEqual(['p.n: must be an integer, got string "one"']);
    // No type at all: any value.
    expect(problems({ u: { x: [1] } }, obj({ u: {} }))).toEqual([]);
  });

  it('reads null on an optional field as the field left out, and rejects it on a required one', () => {
    const schema = obj({ a: { type: 'string' }, b: { type: 'string' }, n: { type: 'string', nullable: true } }, { required: ['a'] });
    expect(problems({ a: 'x', b: null, n: null }, schema)).toEqual([]);
    expect(problems({ a: null }, schema)).toEqual(['a: must be a string, got null']);
    expect(problems({ b: 'x' }, schema)).toEqual(['a: required field is missing']);
    expect(problems({ a: 'x', list: [null] }, obj({ a: { type: 'string' }, list: { type: 'array', items: { type: 'string' } } }))).toEqual(['list[0]: must be a string, got null']);
  });

  it('follows $refs and checks what they name', () => {
    const schema = obj({ ports: { type: 'array', items: { $ref: 'Port' } } });
    expect(problems({ ports: [{ number: 80 }, { name: 'x' }] }, schema)).toEqual(['ports[1].number: required field is missing']);
  });

  it('enforces oneOf "at most one of" rules, naming the fields', () => {
    const schema = obj({
      m: {
        type: 'object',
        properties: { exact: { type: 'string' }, prefix: { type: 'string' } },
        oneOf: [{ not: { anyOf: [{ required: ['exact'] }, { required: ['prefix'] }] } }, { required: ['exact'] }, { required: ['prefix'] }],
      },
    });
    expect(problems({ m: { exact: '/a' } }, schema)).toEqual([]);
    expect(problems({ m: {} }, schema)).toEqual([]);
    expect(problems({ m: { exact: '/a', prefix: '/' } }, schema)).toEqual(['m: only one of "exact", "prefix" may be set, found "exact", "prefix"']);
  });
});

describe('schema files', () => {
  const text = [
    '{',
    '"@source":{"id":"t","provider":"Test 1.0","format":"crds","kinds":[["t.io/v1","Thing",true,"Namespaced"]]},',
    '"t.io/v1/Thing":{"type":"object","properties":{"spec":{"type":"object"}}}',
    '}',
    '',
  ].join('\n');

  it('indexes a generated file and parses a schema when asked', () => {
    const source = parseSchemaSource(text, 't');
    expect(source.header.provider).toBe('Test 1.0');
    expect(source.schema('t.io/v1/Thing')).toEqual({ type: 'object', properties: { spec: { type: 'object' } } });
    expect(source.schema('t.io/v1/Thing')).toBe(source.schema('t.io/v1/Thing'));
    expect(source.schema('t.io/v1/Other')).toBeUndefined();
  });

  it('refuses a file that is not in the generator layout', () => {
    expect(() => parseSchemaSource('{\n  "a": 1\n}\n', 'x')).toThrow('x: not a generated schema file');
    expect(() => parseSchemaSource('{\n"a":{}\n}\n', 'x')).toThrow('x: no @source header');
  });
});
