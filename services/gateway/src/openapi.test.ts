import { describe, expect, it } from 'vitest'
import { mergeOpenApi } from './openapi.ts'

const doc = (paths: Record<string, unknown>) => ({ openapi: '3.1.0', info: { title: 's', version: '1' }, paths })

/** Every operation of a merged document whose responses name no 4xx or 5xx. */
function withoutErrors(merged: ReturnType<typeof mergeOpenApi>): string[] {
  const out: string[] = []
  for (const [path, item] of Object.entries(merged.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!Object.keys(op.responses ?? {}).some((s) => /^[45]\d\d$/.test(s))) out.push(`${method.toUpperCase()} ${path}`)
    }
  }
  return out
}

describe('mergeOpenApi', () => {
  const merged = mergeOpenApi(
    {
      product: doc({
        '/categories': { get: { responses: { 200: { description: 'ok' } } }, post: { responses: { 201: { description: 'ok' }, 400: { description: 'the service says' } } } },
      }),
      auth: doc({ '/auth/.well-known/jwks.json': { get: { responses: { 200: { description: 'keys' } } } } }),
      order: doc({ '/orders/{id}': { get: { responses: { 200: { description: 'ok' } } } } }),
    },
    'test',
  )
  type Op = { responses: Record<string, { description: string }> }
  const op = (path: string, method: string) => (merged.paths[path] as Record<string, Op>)[method]

  it('names the answers the gateway itself gives on every operation, so none is without an error response', () => {
    expect(withoutErrors(merged)).toEqual([])
    expect(Object.keys(op('/v1/categories', 'get').responses).sort()).toEqual(['200', '429', '503'])
    expect(Object.keys(op('/v1/auth/.well-known/jwks.json', 'get').responses).sort()).toEqual(['200', '429', '503'])
  })

  it('a route that needs a token gets 401, a write 413 and 415; what the service documents stays as it says', () => {
    expect(Object.keys(op('/v1/orders/{id}', 'get').responses).sort()).toEqual(['200', '401', '429', '503'])
    const post = op('/v1/categories', 'post').responses
    expect(Object.keys(post).sort()).toEqual(['201', '400', '401', '413', '415', '429', '503'])
    expect(post['400'].description).toBe('the service says')
    expect(merged.components?.schemas?.GatewayProblem).toBeDefined()
  })
})
