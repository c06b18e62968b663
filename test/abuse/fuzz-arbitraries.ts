import fc from 'fast-check'

/**
 * fast-check arbitraries for request bodies: anything JSON, raw text that is barely
 * JSON, and schema-shaped mutations of a valid body (fields dropped, retyped, pushed
 * to extremes, server-owned fields added), so the fuzz reaches past the first check.
 */

/** Values that have broken parsers, validators, SQL and templates before. */
const NASTY = [
  null,
  true,
  false,
  0,
  -1,
  -0.5,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER + 2,
  1e21,
  -1e21,
  1e308,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  'NaN',
  'Infinity',
  '-1',
  '1e999',
  "' OR '1'='1' --",
  '"; DROP TABLE orders; --',
  '${7*7}{{7*7}}<%= 7*7 %>',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  'http://169.254.169.254/latest/meta-data/',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '𝕏'.repeat(60),
  '가'.repeat(3000),
  'x'.repeat(70_000),
  'admin',
  'PAID',
  'COMPLETED',
  '00000000-0000-0000-0000-000000000000',
  [],
  {},
  [[]],
  { $gt: '' },
  { $ne: null },
]

const scalar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.uuid() },
)

/** Arrays nested `depth` levels deep, written out by toJson (JSON.stringify itself overflows on them). */
export class DeepJson {
  constructor(readonly depth: number) {}
}

/** Any one strange value, sometimes a small JSON tree or one nested far too deep. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: scalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(new DeepJson(40), new DeepJson(10_000)) },
)

/** What a valid string becomes with one hostile character added: still nearly valid. */
const corruption = fc.constantFrom('\u0000', '\ud800', '\udc00', '\u202e', '\ufeff', '\r\n', '%00', '\\', '"', "'")

function leaf(seed: unknown): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = []
  if (typeof seed === 'string') near.push(corruption.map((c) => `${seed}${c}`), corruption.map((c) => `${c}${seed}`))
  if (typeof seed === 'number') near.push(fc.constantFrom(seed + 1, seed - 1, -seed, seed * 1e6, seed + 0.5, Number.MAX_SAFE_INTEGER))
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(seed) },
    { weight: 2, arbitrary: weird },
    ...near.map((arbitrary) => ({ weight: 1, arbitrary })),
  )
}

/** The JSON text of a fuzzed value, DeepJson written out by hand. */
export function toJson(value: unknown): string {
  if (value instanceof DeepJson) return `${'['.repeat(value.depth)}${']'.repeat(value.depth)}`
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined)
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Field names a client must not be able to set, and names that trip object handling. */
const EXTRA_KEYS = ['id', 'userId', 'status', 'total', 'subtotal', 'unitPrice', 'price', 'amount', 'refundedAmount', 'roles', 'role', 'isAdmin', 'version', 'createdAt', '__proto__', 'constructor', 'prototype', '$where', '', 'k\u0000', '\ud800']

/** Mutations of `seed`: each field kept, changed or dropped, arrays resized, extra fields added. */
export function shaped(seed: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(seed)) {
    const element = seed.length > 0 ? shaped(seed[0]) : weird
    return fc.oneof(
      { weight: 4, arbitrary: fc.tuple(...seed.map(shaped)) },
      { weight: 1, arbitrary: fc.array(element, { maxLength: 60 }) },
      { weight: 1, arbitrary: weird },
    )
  }
  if (seed !== null && typeof seed === 'object') {
    const fields = fc.tuple(
      ...Object.entries(seed).map(([key, value]) =>
        fc.oneof({ weight: 5, arbitrary: shaped(value).map((v) => [key, v] as [string, unknown]) }, { weight: 1, arbitrary: fc.constant(null) }),
      ),
    )
    const extras = fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), weird), { maxLength: 2 })
    // Object.fromEntries makes '__proto__' an own field, so it is sent, as an attacker would.
    const object = fc.tuple(fields, extras).map(([f, e]) => Object.fromEntries([...f.filter((x): x is [string, unknown] => x !== null), ...e]))
    return fc.oneof({ weight: 8, arbitrary: object }, { weight: 1, arbitrary: weird })
  }
  return leaf(seed)
}

/** Raw bodies that are not quite JSON, or JSON that JavaScript reads oddly. */
const raw = fc.oneof(
  fc.constantFrom(
    '{',
    '[1,',
    '{"a":1e999}',
    '{"amount":-1e400}',
    'null',
    '""',
    'true',
    '\ufeff{}',
    '{"a":1,"a":2}',
    `{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
)

export type FuzzInput = { body: unknown } | { raw: string }

/** What one fuzzed request sends: mostly shaped mutations of `seed`, then any JSON, then raw text. */
export const fuzzInput = (seed: unknown): fc.Arbitrary<FuzzInput> =>
  fc.oneof(
    { weight: 6, arbitrary: shaped(seed).map((body) => ({ body })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((body) => ({ body })) },
    { weight: 1, arbitrary: raw.map((text) => ({ raw: text })) },
  )
