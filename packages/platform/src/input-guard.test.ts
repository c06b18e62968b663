import { Type } from '@sinclair/typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostileInputProblem, MAX_INPUT_DEPTH } from './input-guard.ts'
import { createLogger } from './logger.ts'
import { type App, createServer } from './server.ts'

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)

describe('hostile input', () => {
  it('ordinary JSON, Korean text and emoji pass', () => {
    expect(hostileInputProblem({ name: '무선이어폰 프로 🎧', tags: ['a', { b: [1, null, true] }] })).toBeNull()
  })

  it('a NUL character in a value or a field name is named by its JSON pointer', () => {
    expect(hostileInputProblem({ items: [{ note: 'a\u0000b' }] })).toEqual({ path: '/items/0/note', message: expect.stringContaining('NUL') })
    expect(hostileInputProblem({ attributes: { 'k\u0000': 1 } })?.path).toBe('/attributes/k\u0000')
  })

  it('an unpaired surrogate is refused, a paired one (an emoji) is not', () => {
    expect(hostileInputProblem({ a: 'x\ud800' })?.message).toContain('unpaired surrogate')
    expect(hostileInputProblem({ a: '\udc00x' })?.message).toContain('unpaired surrogate')
    expect(hostileInputProblem({ a: '\ud83c\udfa7' })).toBeNull()
  })

  it('nesting is allowed up to the limit and refused past it, even 100,000 levels deep', () => {
    expect(hostileInputProblem(nested(MAX_INPUT_DEPTH))).toBeNull()
    expect(hostileInputProblem(nested(MAX_INPUT_DEPTH + 1))?.message).toContain(`${MAX_INPUT_DEPTH} levels`)
    expect(hostileInputProblem({ a: nested(100_000) })?.message).toContain('levels')
  })
})

describe('every server refuses hostile input before its schema', () => {
  let app: App
  beforeAll(async () => {
    app = createServer({ service: 'test', logger: createLogger({ service: 'test', level: 'silent' }) })
    app.post('/echo', { schema: { body: Type.Object({ attributes: Type.Unknown() }) } }, async (req) => req.body)
    app.get('/search', { schema: { querystring: Type.Object({ q: Type.Optional(Type.String()) }) } }, async (req) => req.query)
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
  })

  it('a body with NUL or 10,000 levels of nesting is 400 validation_failed, not a 500', async () => {
    for (const payload of ['{"attributes":"a\\u0000"}', `{"attributes":${'['.repeat(10_000)}${']'.repeat(10_000)}}`]) {
      const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: expect.stringMatching(/^\/attributes/) }] })
    }
  })

  it('a NUL in the querystring is 400 naming the parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/search?q=%00' })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([{ path: 'q', message: expect.stringContaining('NUL') }])
  })

  it('answers carry nosniff, and ordinary input still passes', async () => {
    const res = await app.inject({ method: 'GET', url: '/search?q=%ED%95%9C' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ q: '한' })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })
})
