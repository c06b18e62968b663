import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for Toss Payments' server API (confirm, cancel, lookup by orderId),
 * recording every call and honouring Idempotency-Key the way Toss does: a repeated key
 * gets the first response back and is not processed again. paymentKeys steer it:
 * pk_reject… → REJECT_CARD_PAYMENT, pk_balance… → NOT_ENOUGH_BALANCE, pk_error… → 500,
 * pk_hang… → charged, then no answer; anything else is approved.
 */

export interface TossCall {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: Record<string, unknown> | undefined
}

interface TossPaymentState {
  paymentKey: string
  orderId: string
  totalAmount: number
  balanceAmount: number
  status: 'DONE' | 'PARTIAL_CANCELED' | 'CANCELED'
  approvedAt: string
  cancels: { cancelAmount: number; cancelReason: string; canceledAt: string }[]
}

export interface FakeToss {
  url: string
  secretKey: string
  calls: TossCall[]
  /** Confirms that actually charged (a replayed key is not counted). */
  charges(): number
  payment(paymentKey: string): TossPaymentState | undefined
  close(): Promise<void>
}

type Reply = { status: number; body: unknown } | 'hang'

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeToss(secretKey = 'test_sk_fake'): Promise<FakeToss> {
  const calls: TossCall[] = []
  const payments = new Map<string, TossPaymentState>()
  const replies = new Map<string, Reply>()
  let charges = 0
  const expectedAuth = `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`
  const view = (p: TossPaymentState) => ({ ...p, method: '카드', currency: 'KRW' })
  const error = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } })

  function confirm(body: Record<string, unknown>): Reply {
    const paymentKey = String(body.paymentKey)
    if (paymentKey.startsWith('pk_reject')) return error(400, 'REJECT_CARD_PAYMENT', '한도초과 혹은 잔액부족으로 결제에 실패했습니다.')
    if (paymentKey.startsWith('pk_balance')) return error(400, 'NOT_ENOUGH_BALANCE', '잔액이 부족합니다.')
    if (paymentKey.startsWith('pk_error')) return error(500, 'FAILED_INTERNAL_SYSTEM_PROCESSING', '내부 시스템 처리 작업이 실패했습니다.')
    if (payments.has(paymentKey)) return error(400, 'ALREADY_PROCESSED_PAYMENT', '이미 처리된 결제 입니다.')
    const p: TossPaymentState = {
      paymentKey,
      orderId: String(body.orderId),
      totalAmount: Number(body.amount),
      balanceAmount: Number(body.amount),
      status: 'DONE',
      approvedAt: new Date().toISOString().replace('Z', '+00:00'),
      cancels: [],
    }
    payments.set(paymentKey, p)
    charges++
    return paymentKey.startsWith('pk_hang') ? 'hang' : { status: 200, body: view(p) }
  }

  function cancel(paymentKey: string, body: Record<string, unknown>): Reply {
    const p = payments.get(paymentKey)
    if (!p) return error(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.')
    const amount = body.cancelAmount === undefined ? p.balanceAmount : Number(body.cancelAmount)
    if (p.status === 'CANCELED') return error(400, 'ALREADY_CANCELED_PAYMENT', '이미 취소된 결제 입니다.')
    if (amount > p.balanceAmount) return error(400, 'NOT_CANCELABLE_AMOUNT', '취소 할 수 없는 금액 입니다.')
    p.balanceAmount -= amount
    p.status = p.balanceAmount === 0 ? 'CANCELED' : 'PARTIAL_CANCELED'
    p.cancels.push({ cancelAmount: amount, cancelReason: String(body.cancelReason), canceledAt: new Date().toISOString() })
    return { status: 200, body: view(p) }
  }

  function route(method: string, path: string, body: Record<string, unknown> | undefined): Reply {
    if (method === 'POST' && path === '/v1/payments/confirm') return confirm(body ?? {})
    const cancelPath = /^\/v1\/payments\/([^/]+)\/cancel$/.exec(path)
    if (method === 'POST' && cancelPath) return cancel(decodeURIComponent(cancelPath[1]), body ?? {})
    const lookup = /^\/v1\/payments\/orders\/([^/]+)$/.exec(path)
    if (method === 'GET' && lookup) {
      const orderId = decodeURIComponent(lookup[1])
      const found = [...payments.values()].filter((p) => p.orderId === orderId).at(-1)
      return found ? { status: 200, body: view(found) } : error(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.')
    }
    return error(404, 'NOT_FOUND', 'no such endpoint')
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined
      const path = (req.url ?? '').split('?')[0]
      calls.push({ method: req.method ?? '', path, headers: req.headers, body })
      let reply: Reply
      if (req.headers.authorization !== expectedAuth) reply = error(401, 'UNAUTHORIZED_KEY', '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.')
      else {
        const key = req.headers['idempotency-key']
        const stored = typeof key === 'string' ? replies.get(key) : undefined
        reply = stored ?? route(req.method ?? '', path, body)
        if (typeof key === 'string' && !stored) replies.set(key, reply)
      }
      if (reply === 'hang') return
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    calls,
    charges: () => charges,
    payment: (k) => payments.get(k),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
