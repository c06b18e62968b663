import { describe, expect, it } from 'vitest'
import { EDGE_TTL_HEADER, EDGE_VALIDATORS_HEADER, edgeCacheHeaders, readEdgeCachePolicy } from '../src/edge-cache.ts'

describe('edge cache headers', () => {
  it('round-trips a policy, an absent key as an empty value', () => {
    const policy = { ttlMs: 640, validators: { 'product:gen:p:1': 'abc-1', 'product:stock:1': '' } }
    const headers = edgeCacheHeaders(policy)
    expect(headers).toEqual({ [EDGE_TTL_HEADER]: '640', [EDGE_VALIDATORS_HEADER]: 'product:gen:p:1=abc-1 product:stock:1=' })
    expect(readEdgeCachePolicy(headers)).toEqual(policy)
  })

  it('rounds a fractional TTL down and a negative one to 0', () => {
    expect(edgeCacheHeaders({ ttlMs: 12.9, validators: { k: 'v' } })[EDGE_TTL_HEADER]).toBe('12')
    expect(edgeCacheHeaders({ ttlMs: -5, validators: { k: 'v' } })[EDGE_TTL_HEADER]).toBe('0')
  })

  it('refuses keys or values the header cannot carry', () => {
    expect(() => edgeCacheHeaders({ ttlMs: 1, validators: { 'a b': 'v' } })).toThrow(RangeError)
    expect(() => edgeCacheHeaders({ ttlMs: 1, validators: { k: 'x=y' } })).toThrow(RangeError)
    expect(() => edgeCacheHeaders({ ttlMs: 1, validators: { '': 'v' } })).toThrow(RangeError)
  })

  it('reads nothing from missing, malformed or validator-less headers', () => {
    expect(readEdgeCachePolicy({})).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: '100' })).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: 'soon', [EDGE_VALIDATORS_HEADER]: 'k=v' })).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: '-1', [EDGE_VALIDATORS_HEADER]: 'k=v' })).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: '100', [EDGE_VALIDATORS_HEADER]: 'k=v=w' })).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: '100', [EDGE_VALIDATORS_HEADER]: '=v' })).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: '100', [EDGE_VALIDATORS_HEADER]: '' })).toBeUndefined()
    expect(readEdgeCachePolicy({ [EDGE_TTL_HEADER]: ['1', '2'], [EDGE_VALIDATORS_HEADER]: 'k=v' })).toBeUndefined()
  })
})
