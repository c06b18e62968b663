import type { FastifyRequest } from 'fastify'
import { type FieldError, ValidationFailed } from './errors.ts'

/**
 * Input no schema can refuse but that would end in a 500 further in: text PostgreSQL
 * cannot store (U+0000 in text or jsonb, an unpaired surrogate in jsonb) and JSON nested
 * deep enough to overflow the stack of JSON.stringify or PostgreSQL's jsonb parser.
 * Checked on every parsed body and querystring, before the route's schema.
 */

/** Deepest nesting of objects and arrays a request may send; real bodies use a handful. */
export const MAX_INPUT_DEPTH = 32

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

const textProblem = (s: string): string | null =>
  s.includes('\u0000')
    ? 'must not contain the NUL character (U+0000)'
    : UNPAIRED_SURROGATE.test(s)
      ? 'must be valid Unicode text (it has an unpaired surrogate)'
      : null

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => {
  if (v === null || typeof v !== 'object') return false
  if (Array.isArray(v)) return true
  // Plain objects only (the querystring parser's have a bare prototype of their own), so a
  // body the gateway keeps as a stream is left alone.
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null
}

const pointerEscape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** The first problem in a parsed JSON value (paths as JSON pointers under `root`), or null. */
export function hostileInputProblem(value: unknown, root = '', maxDepth = MAX_INPUT_DEPTH): FieldError | null {
  // Iterative: a recursive walk would itself overflow on the input it is meant to refuse.
  const stack: [unknown, string, number][] = [[value, root, 0]]
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop() as [unknown, string, number]
    if (typeof v === 'string') {
      const message = textProblem(v)
      if (message) return { path, message }
      continue
    }
    if (!isContainer(v)) continue
    if (depth >= maxDepth) return { path, message: `must not nest objects or arrays more than ${maxDepth} levels deep` }
    for (const [key, child] of Object.entries(v)) {
      const childPath = `${path}/${pointerEscape(key)}`
      const message = Array.isArray(v) ? null : textProblem(key)
      if (message) return { path: childPath, message: `its name ${message}` }
      stack.push([child, childPath, depth + 1])
    }
  }
  return null
}

/** The ValidationFailed for a body or querystring with such input, or null. */
export function hostileInputError(req: FastifyRequest): ValidationFailed | null {
  const body = hostileInputProblem(req.body)
  if (body) return new ValidationFailed([body])
  const query = hostileInputProblem(req.query)
  // Querystring fields are named plainly elsewhere (`limit`, not `/limit`).
  return query ? new ValidationFailed([{ ...query, path: query.path.replace(/^\//, '') || 'querystring' }]) : null
}

/** preValidation hook (callback form: it runs on every request): 400 validation_failed for such input. */
export function rejectHostileInput(req: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
  const err = hostileInputError(req)
  if (err) done(err)
  else done()
}
