import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { api } from './client.ts'

// The journeys' client against a server that drops the first connections it gets, the
// way a gateway killed under a request does: what is safe to send again is sent again.
interface Seen {
  method: string
  key: string | undefined
}

let server: Server | undefined

async function flakyServer(dropFirst: number): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  server = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method ?? '', key: req.headers['idempotency-key'] as string | undefined })
    // Read the whole request first, so the drop happens while the client waits for its answer.
    req.resume()
    req.on('end', () => {
      if (seen.length <= dropFirst) {
        req.socket.destroy()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempt: seen.length }))
    })
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen }
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve))
  server = undefined
})

describe('the journeys’ client when the connection breaks under a request', () => {
  it('sends a GET again and returns the answer that finally came', async () => {
    const { url, seen } = await flakyServer(2)
    const res = await api(url).call('GET', '/orders')
    expect(res).toMatchObject({ status: 200, body: { attempt: 3 } })
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET', 'GET'])
  })

  it('sends a POST with an Idempotency-Key again under the same key', async () => {
    const { url, seen } = await flakyServer(2)
    const res = await api(url).call('POST', '/payments', { body: { amount: 1 }, idempotencyKey: 'key-1' })
    expect(res.status).toBe(200)
    expect(seen).toEqual([
      { method: 'POST', key: 'key-1' },
      { method: 'POST', key: 'key-1' },
      { method: 'POST', key: 'key-1' },
    ])
  })

  it('does not send a POST without a key twice: the failure is the caller’s to judge', async () => {
    const { url, seen } = await flakyServer(1)
    await expect(api(url).call('POST', '/orders', { body: {} })).rejects.toThrow('fetch failed')
    expect(seen).toHaveLength(1)
  })
})
