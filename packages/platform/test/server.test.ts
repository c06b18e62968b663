import { Writable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFound, RateLimited } from '../src/errors.ts'
import { createLogger } from '../src/logger.ts'
import { type App, createServer, problemResponses } from '../src/server.ts'

const lines: Record<string, unknown>[] = []
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
    done()
  },
})

const Item = Type.Object({ productId: Type.String({ format: 'uuid' }), quantity: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })
const OrderBody = Type.Object(
  { quantity: Type.Integer({ minimum: 1 }), items: Type.Optional(Type.Array(Item)), note: Type.Optional(Type.String()) },
  { additionalProperties: false },
)
const ID = '6f1c1f9e-3c1b-4d8e-9a57-1b2c3d4e5f60'

let app: App

beforeAll(async () => {
  app = createServer({ service: 'test', version: '1.2.3', logger: createLogger({ service: 'test', level: 'debug', destination: sink }) })
  app.post('/orders', { schema: { body: OrderBody, response: { 201: OrderBody, ...problemResponses(400) } } }, async (req, reply) =>
    reply.code(201).send(req.body),
  )
  app.get(
    '/items/:id',
    { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }) } },
    async (req) => ({ id: req.params.id, limit: req.query.limit }),
  )
  app.get('/keyed', { schema: { headers: Type.Object({ 'Idempotency-Key': Type.String({ minLength: 8 }) }) } }, async (req) => ({
    key: req.headers['idempotency-key'],
  }))
  app.get('/limited', async () => {
    throw new RateLimited(7)
  })
  app.get('/gone', async () => {
    throw new NotFound('item 42 does not exist')
  })
  app.get('/boom', async () => {
    throw new Error('relation "users" violates constraint: SELECT password FROM users')
  })
  await app.ready()
})

afterAll(async () => {
  await app.close()
})

const postJson = (payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/orders', headers: { 'content-type': contentType }, payload })

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  const body = res.json() as { status: number; code: string; type: string; title: string; errors?: { path: string; message: string }[] }
  expect(body.status).toBe(status)
  expect(body.code).toBe(code)
  expect(body.type).toMatch(/^https:\/\//)
  expect(body.title).toBeTruthy()
  return body
}

describe('error answers are application/problem+json', () => {
  it('when the body is malformed JSON, answers 400 validation_failed saying so', async () => {
    const body = expectProblem(await postJson('{"quantity": 1,'), 400, 'validation_failed')
    expect(body.errors?.[0].message).toMatch(/not valid JSON/)
  })

  it('when the JSON body is empty, answers 400 validation_failed', async () => {
    expectProblem(await postJson(''), 400, 'validation_failed')
  })

  it('when the body is 2 MiB, answers 413 payload_too_large', async () => {
    const big = JSON.stringify({ quantity: 1, note: 'x'.repeat(2 * 1024 * 1024) })
    expectProblem(await postJson(big), 413, 'payload_too_large')
  })

  it('when the content type is not JSON, answers 415 unsupported_media_type', async () => {
    expectProblem(await postJson('quantity=1', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type')
    expectProblem(await postJson('{"quantity":1}', 'text/plain'), 415, 'unsupported_media_type')
  })

  it('when the route does not exist, answers 404 not_found with the path as instance', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere/at/all?x=1' })
    const body = expectProblem(res, 404, 'not_found') as unknown as { instance: string }
    expect(body.instance).toBe('/nowhere/at/all')
  })

  it('when the body violates the schema, lists every failing field as a JSON pointer', async () => {
    const res = await postJson(JSON.stringify({ items: [{ productId: ID, quantity: 0 }, { productId: 'nope', quantity: 2 }] }))
    const body = expectProblem(res, 400, 'validation_failed')
    const paths = body.errors?.map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/quantity', '/items/0/quantity', '/items/1/productId']))
    expect(body.errors?.find((e) => e.path === '/quantity')?.message).toBe('is required')
  })

  it('when the body has an unknown field, answers 400 naming it instead of dropping it', async () => {
    const body = expectProblem(await postJson(JSON.stringify({ quantity: 1, isAdmin: true })), 400, 'validation_failed')
    expect(body.errors).toContainEqual({ path: '/isAdmin', message: 'is not an allowed field' })
  })

  it('when a body integer is sent as a string, answers 400: bodies are not coerced', async () => {
    const body = expectProblem(await postJson('{"quantity":"3"}'), 400, 'validation_failed')
    expect(body.errors?.[0].path).toBe('/quantity')
    const ok = await postJson('{"quantity":3}')
    expect(ok.statusCode).toBe(201)
    expect(ok.json()).toEqual({ quantity: 3 })
  })

  it('coerces querystring and params, applies defaults, and names a bad query field plainly', async () => {
    expect((await app.inject({ url: `/items/${ID}?limit=5` })).json()).toEqual({ id: ID, limit: 5 })
    expect((await app.inject({ url: `/items/${ID}` })).json()).toEqual({ id: ID, limit: 20 })
    const bad = expectProblem(await app.inject({ url: `/items/${ID}?limit=abc` }), 400, 'validation_failed')
    expect(bad.errors?.[0].path).toBe('limit')
    const badId = expectProblem(await app.inject({ url: '/items/not-a-uuid' }), 400, 'validation_failed')
    expect(badId.errors?.[0].path).toBe('id')
  })

  it('validates headers by their lower-cased name', async () => {
    const missing = expectProblem(await app.inject({ url: '/keyed' }), 400, 'validation_failed')
    expect(missing.errors?.[0]).toEqual({ path: 'idempotency-key', message: 'is required' })
    const ok = await app.inject({ url: '/keyed', headers: { 'Idempotency-Key': 'abcdefgh-1' } })
    expect(ok.json()).toEqual({ key: 'abcdefgh-1' })
  })

  it('when a DomainError is thrown, answers its status and code and keeps its Retry-After', async () => {
    const res = await app.inject({ url: '/limited' })
    expectProblem(res, 429, 'rate_limited')
    expect(res.headers['retry-after']).toBe('7')
    const gone = expectProblem(await app.inject({ url: '/gone' }), 404, 'not_found') as unknown as { detail: string }
    expect(gone.detail).toBe('item 42 does not exist')
  })

  it('when a plain Error is thrown, answers a bare 500 and logs the error with the request id', async () => {
    const res = await app.inject({ url: '/boom', headers: { 'x-request-id': 'boom-req-1' } })
    const body = expectProblem(res, 500, 'internal')
    const text = res.body
    expect(text).not.toMatch(/SELECT|password|users|stack|at .*\.ts/)
    expect(body).toEqual({
      type: 'https://shop.dev/problems/internal',
      title: 'Internal server error',
      status: 500,
      detail: 'Something went wrong on our side',
      code: 'internal',
      instance: '/boom',
    })
    const logged = lines.find((l) => l.request_id === 'boom-req-1' && l.msg === 'unhandled error') as { err?: { message: string; stack: string } }
    expect(logged?.err?.message).toMatch(/violates constraint/)
    expect(logged?.err?.stack).toBeTruthy()
  })
})

describe('x-request-id', () => {
  it('is generated when absent and echoed on the response', async () => {
    const a = await app.inject({ url: '/health' })
    const b = await app.inject({ url: '/health' })
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id'])
  })

  it('is passed through when the caller sends a sane one, and bound to the request log', async () => {
    const res = await app.inject({ url: '/gone', headers: { 'x-request-id': 'gw-abc.123' } })
    expect(res.headers['x-request-id']).toBe('gw-abc.123')
    expect(lines.some((l) => l.request_id === 'gw-abc.123' && l.msg === 'request completed')).toBe(true)
  })

  it('is replaced when the sent one is too long or has odd characters', async () => {
    for (const sent of ['x'.repeat(300), 'a b<script>']) {
      const res = await app.inject({ url: '/health', headers: { 'x-request-id': sent } })
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})

describe('/openapi.json', () => {
  it('is OpenAPI 3.1.0 and lists routes registered after createServer', async () => {
    const res = await app.inject({ url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json() as { openapi: string; info: { version: string }; paths: Record<string, Record<string, unknown>> }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.version).toBe('1.2.3')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/orders', '/items/{id}', '/health', '/health/ready']))
    expect(doc.paths['/orders'].post).toBeDefined()
    expect(doc.paths['/metrics']).toBeUndefined()
  })
})
