import { createServer, type Server, type ServerResponse } from 'node:http'
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type Shop, startDistributedShop } from '../e2e/shop.ts'
import { type Daemon, selfSignedCert, startEdge, tempDir } from './support.ts'

// deploy/nginx/edge.conf.template, run for real by Debian's nginx with a certificate made
// here: once in front of a real distributed shop's gateway, once in front of a small
// upstream that shows what the gateway receives and streams events on demand.

const certDir = tempDir('ops-edge-cert')
const tls = selfSignedCert(certDir.path)
const agents: Agent[] = []
/** An HTTPS client trusting the test's certificate, connecting from the given loopback address. */
function client(localAddress = '127.0.0.1'): Agent {
  const agent = new Agent({ localAddress, connect: { ca: tls.pem, servername: 'localhost' } })
  agents.push(agent)
  return agent
}

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()))
  certDir.remove()
})

describe('edge in front of a real gateway', () => {
  let shop: Shop
  let edge: Daemon
  let http: number
  let https: number

  beforeAll(async () => {
    // Three credential requests a minute per client: the limit must count each client apart.
    shop = await startDistributedShop({ AUTH_RATE_LIMIT_PER_MINUTE: '3', UPSTREAM_TIMEOUT_MS: '30000' })
    ;[http, https] = [await freePort(), await freePort()]
    edge = await startEdge({ gateway: new URL(shop.gatewayUrl).host, httpPort: http, httpsPort: https, cert: tls.cert, key: tls.key })
  })
  afterAll(async () => {
    await edge?.stop()
    await shop?.stop()
  })

  it('redirects plain HTTP to HTTPS with 301, keeping the path and the query', async () => {
    const res = await request(`http://127.0.0.1:${http}/v1/products?q=%EA%B9%80%EC%B9%98&limit=5`, { headers: { host: 'shop.test' } })
    await res.body.dump()
    expect(res.statusCode).toBe(301)
    expect(res.headers.location).toBe(`https://shop.test:${https}/v1/products?q=%EA%B9%80%EC%B9%98&limit=5`)
  })

  it('answers over HTTPS with HSTS, from the gateway', async () => {
    const res = await request(`https://localhost:${https}/health`, { dispatcher: client() })
    expect(res.statusCode).toBe(200)
    expect(await res.body.json()).toMatchObject({ status: 'ok', service: 'gateway' })
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
  })

  it('refuses TLS 1.1 and TLS 1.0, which the same client can speak to a server that allows them', async () => {
    const handshake = (port: number, version: 'TLSv1' | 'TLSv1.1') =>
      new Promise<string>((resolve) => {
        const sock = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: tls.pem, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' })
        sock.once('secureConnect', () => {
          resolve(sock.getProtocol() ?? 'none')
          sock.destroy()
        })
        sock.once('error', (err) => resolve(`refused: ${err.message}`))
      })
    const control = createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key), minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end())
    const controlPort = await freePort()
    await new Promise<void>((r) => control.listen(controlPort, '127.0.0.1', r))
    try {
      expect(await handshake(controlPort, 'TLSv1.1')).toBe('TLSv1.1')
      expect(await handshake(https, 'TLSv1.1')).toMatch(/^refused/)
      expect(await handshake(https, 'TLSv1')).toMatch(/^refused/)
    } finally {
      await new Promise((r) => control.close(r))
    }
  })

  it('answers a body over 1 MiB with the 413 problem, to a client that does not wait for 100 Continue', async () => {
    const res = await fetch(`https://localhost:${https}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'big@shop.test', password: 'x'.repeat(2 * 1024 * 1024) }),
      // @ts-expect-error undici's fetch option, not in the DOM typings
      dispatcher: client(),
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ status: 413, code: 'payload_too_large' })
  })

  it('counts the rate limit per real client, whatever X-Forwarded-For the client sends', async () => {
    const login = (from: string, n: number, forged?: string) =>
      request(`https://localhost:${https}/v1/auth/login`, {
        method: 'POST',
        dispatcher: client(from),
        headers: { 'content-type': 'application/json', ...(forged ? { 'x-forwarded-for': forged } : {}) },
        body: JSON.stringify({ email: `nobody-${from}-${n}@shop.test`, password: 'Wrong-password-1' }),
      }).then(async (r) => {
        await r.body.dump()
        return r.statusCode
      })
    const first: number[] = []
    // A different forged address each time: if the edge passed it on, each would count alone.
    for (let i = 0; i < 4; i++) first.push(await login('127.0.0.2', i, `198.51.100.${i + 1}`))
    expect(first.slice(0, 3).every((s) => s === 401)).toBe(true)
    expect(first[3]).toBe(429)
    // Another client behind the same edge is not limited by the first one's requests.
    expect(await login('127.0.0.3', 0)).toBe(401)
  })

  it("sets the web's session cookie Secure when the shop is reached over HTTPS, though the gateway itself is plain HTTP behind the edge", async () => {
    // A host that is not a loopback name: only the scheme the edge passes on can make the cookie
    // Secure. The certificate names localhost, so this client checks it against that name.
    const shopTest = new Agent({ localAddress: '127.0.0.5', connect: { ca: tls.pem, servername: 'localhost', checkServerIdentity: () => undefined } })
    agents.push(shopTest)
    const res = await request(`https://localhost:${https}/v1/auth/register`, {
      method: 'POST',
      dispatcher: shopTest,
      headers: { host: 'shop.test', 'content-type': 'application/json', 'x-refresh-cookie': '1' },
      body: JSON.stringify({ email: `edge-${Date.now()}@shop.test`, password: 'Edge-password-2026', name: '김도현' }),
    })
    const body = (await res.body.json()) as Record<string, unknown>
    expect(res.statusCode, JSON.stringify(body)).toBe(201)
    expect(body.refreshToken).toBeUndefined()
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^shop_refresh=[^;]+;/)
    expect(cookie.split(/;\s*/).slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=2592000', 'Path=/v1/auth', 'SameSite=Strict', 'Secure'])
  })

  it('compresses text answers the gateway sends uncompressed', async () => {
    const direct = await request(`${shop.gatewayUrl}/v1/openapi.json`, { headers: { 'accept-encoding': 'gzip' } })
    await direct.body.dump()
    expect(direct.headers['content-encoding']).toBeUndefined()
    const res = await request(`https://localhost:${https}/v1/openapi.json`, { dispatcher: client(), headers: { 'accept-encoding': 'gzip' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('gzip')
    const doc = JSON.parse(gunzipSync(Buffer.from(await res.body.arrayBuffer())).toString())
    expect(doc.openapi).toMatch(/^3\./)
  })

  it('keeps /metrics and /health/ready inside the network', async () => {
    for (const path of ['/metrics', '/health/ready']) {
      const res = await request(`https://localhost:${https}${path}`, { dispatcher: client() })
      await res.body.dump()
      expect(res.statusCode, path).toBe(404)
    }
  })
})

describe('edge in front of an upstream that shows what it receives', () => {
  let upstream: Server
  let edge: Daemon
  let https: number
  const streams: ServerResponse[] = []

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      if (req.url === '/echo') {
        res.setHeader('content-type', 'application/json')
        return res.end(JSON.stringify(req.headers))
      }
      if (req.url?.startsWith('/assets/')) {
        res.setHeader('cache-control', 'no-cache')
        res.setHeader('content-type', 'text/javascript')
        return res.end('export {}\n')
      }
      if (req.url === '/v1/orders/0b7e/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
        res.write('event: order\ndata: {"status":"PENDING_PAYMENT"}\n\n')
        // The stream stays open; the test writes the next event when it has seen this one.
        streams.push(res)
        return
      }
      res.statusCode = 404
      res.end()
    })
    const port = await freePort()
    await new Promise<void>((r) => upstream.listen(port, '127.0.0.1', r))
    https = await freePort()
    edge = await startEdge({ gateway: `127.0.0.1:${port}`, httpPort: await freePort(), httpsPort: https, cert: tls.cert, key: tls.key })
  })
  afterAll(async () => {
    for (const s of streams) s.destroy()
    await edge?.stop()
    await new Promise((r) => upstream?.close(r))
  })

  it('passes the client address and the scheme on, replacing a forged X-Forwarded-For', async () => {
    const res = await request(`https://localhost:${https}/echo`, { dispatcher: client('127.0.0.4'), headers: { 'x-forwarded-for': '203.0.113.9' } })
    const seen = (await res.body.json()) as Record<string, string>
    expect(seen['x-forwarded-for']).toBe('127.0.0.4')
    expect(seen['x-forwarded-proto']).toBe('https')
    expect(seen['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
  })

  it('caches only hashed web assets for a year', async () => {
    const hashed = await request(`https://localhost:${https}/assets/index-3f9a1c2b.js`, { dispatcher: client() })
    await hashed.body.dump()
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const plain = await request(`https://localhost:${https}/assets/sw.js`, { dispatcher: client() })
    await plain.body.dump()
    expect(plain.headers['cache-control']).toBe('no-cache')
  })

  it('passes the order event stream through unbuffered: each event arrives before the next is written', async () => {
    const res = await request(`https://localhost:${https}/v1/orders/0b7e/events`, { dispatcher: client(), headers: { 'accept-encoding': 'gzip' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    const reader = res.body[Symbol.asyncIterator]()
    let seen = ''
    const next = async (marker: string) => {
      while (!seen.includes(marker)) {
        const { value, done } = await reader.next()
        if (done) throw new Error(`stream ended before ${marker}; got ${seen}`)
        seen += Buffer.from(value).toString()
      }
    }
    await next('PENDING_PAYMENT')
    streams[0].write('event: order\ndata: {"status":"PAID"}\n\n')
    await next('PAID')
    streams[0].end()
    res.body.destroy()
  })
})
