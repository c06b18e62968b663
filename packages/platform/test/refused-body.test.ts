import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// A client that sends its whole body before reading the answer (Node's fetch) must get
// the 413 problem for an oversized body, not a broken connection. The server runs in a
// process of its own, as a service does: in the test's own process the client and the
// server would take turns on one event loop and the connection could never break under
// the client's writes.
const root = fileURLToPath(new URL('../../../', import.meta.url))
const SERVER = `
import { createServer } from './packages/platform/src/server.ts'
import { createLogger } from './packages/platform/src/logger.ts'
const app = createServer({ service: 'limits', logger: createLogger({ service: 'limits', level: 'silent' }) })
app.post('/things', async () => ({ ok: true }))
await app.listen({ port: 0, host: '127.0.0.1' })
console.log(app.server.address().port)
`
const MiB = 1024 * 1024
// Whether the connection broke under the client used to depend on timing, so each size is tried several times.
const ROUNDS = 12

let server: ChildProcess
let url: string

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SERVER], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d) => resolve(String(d).trim())))
  url = `http://127.0.0.1:${port}/things`
})

afterAll(() => {
  server?.kill()
})

async function post(body: BodyInit, headers: Record<string, string> = {}): Promise<string> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit)
    const problem = (await res.json()) as { code?: string }
    return `${res.status} ${res.headers.get('content-type')} ${problem.code}`
  } catch (err) {
    return `no answer: ${String((err as Error).cause ?? err)}`
  }
}

function chunked(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close()
      sent += chunk.length
      controller.enqueue(chunk)
    },
  })
}

const TOO_LARGE = '413 application/problem+json; charset=utf-8 payload_too_large'

describe('a body over the limit, sent by Node’s fetch', () => {
  it.each([2, 20])('%i MiB with a Content-Length gets the 413 problem every time', async (mib) => {
    const body = JSON.stringify({ text: 'x'.repeat(mib * MiB) })
    const answers: string[] = []
    for (let i = 0; i < ROUNDS; i++) answers.push(await post(body))
    expect(answers).toEqual(Array(ROUNDS).fill(TOO_LARGE))
  })

  it.each([2, 20])('%i MiB sent chunked (no Content-Length) gets the 413 problem every time', async (mib) => {
    const answers: string[] = []
    for (let i = 0; i < ROUNDS; i++) answers.push(await post(chunked(mib * MiB)))
    expect(answers).toEqual(Array(ROUNDS).fill(TOO_LARGE))
  })
})
