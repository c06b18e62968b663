import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A payment gateway that lies (API10 unsafe consumption of APIs), shaped like Toss
 * Payments' server API so the payment service can be pointed at it with
 * PAYMENT_PROVIDER=toss. The paymentKey steers it:
 *   pk_evil_amount… → "DONE", but for 1 KRW whatever was asked
 *   pk_evil_order…  → "DONE", but for another orderId
 *   pk_evil_html…   → 200 with an HTML page instead of JSON
 *   anything else   → an honest approval of exactly what was asked
 * Lookups find nothing (so an unknown outcome settles as "no charge"); cancels succeed.
 */

export interface LyingToss {
  url: string
  secretKey: string
  /** Confirms received, by paymentKey. */
  confirms: string[]
  close(): Promise<void>
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

function confirm(res: ServerResponse, body: { paymentKey?: string; orderId?: string; amount?: number }) {
  const key = String(body.paymentKey)
  const honest = { paymentKey: key, orderId: body.orderId, totalAmount: body.amount, balanceAmount: body.amount, status: 'DONE', approvedAt: new Date().toISOString(), method: '카드', currency: 'KRW' }
  if (key.startsWith('pk_evil_amount')) return json(res, 200, { ...honest, totalAmount: 1, balanceAmount: 1 })
  if (key.startsWith('pk_evil_order')) return json(res, 200, { ...honest, orderId: randomUUID() })
  if (key.startsWith('pk_evil_html')) {
    return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Toss internal proxy at 10.0.3.7:8443 /srv/toss/app.js</body></html>')
  }
  return json(res, 200, honest)
}

/** Starts the liar on 127.0.0.1 with an ephemeral port. */
export async function startLyingToss(secretKey = 'test_sk_abuse'): Promise<LyingToss> {
  const confirms: string[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? ''
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {}
      if (req.method === 'POST' && path === '/v1/payments/confirm') {
        confirms.push(String(body.paymentKey))
        return confirm(res, body)
      }
      if (req.method === 'POST' && /^\/v1\/payments\/[^/]+\/cancel$/.test(path)) {
        return json(res, 200, { status: 'CANCELED', cancels: [{ canceledAt: new Date().toISOString() }] })
      }
      return json(res, 404, { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    confirms,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
