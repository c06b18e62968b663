import type { ServerResponse } from 'node:http'
import type { OrderEventsQuery, OrderView } from '@shop/contracts/order'
import type { AuthUser } from '@shop/platform/auth'
import type { Logger } from '@shop/platform/logger'
import type { OrderContext } from '../context.ts'
import { isPaymentSettled, isTerminal } from '../domain/order-state.ts'
import { getOrder } from './get-order.ts'

/**
 * GET /orders/:id/events, the part after the answer's headers: the whole order at once,
 * then again after every committed change (heard through ctx.changes from whichever
 * replica applied it), a keep-alive comment every 15 s, and the end after a terminal
 * state (with `until: 'settled'`, as soon as the payment is settled) or the caller's
 * timeout: a normal end of the chunked answer, so the connection serves the next request.
 * Reads are serialised, and an order that reads the same as the last one sent is not sent
 * again (a notification can cover a change already read).
 */

export const KEEP_ALIVE_MS = 15_000

export interface OrderStream {
  /** Ends the stream now (shutdown, timeout, the state it waited for, the client left). */
  end(): void
}

export interface FollowInput {
  user: AuthUser
  orderId: string
  /** The order as read after the change listener started listening. */
  first: OrderView
  timeoutSeconds: number
  /** `settled`: end once the payment is settled, not only after a terminal state. */
  until?: OrderEventsQuery['until']
  res: ServerResponse
  /** Registers the function that stops following (set once following started). */
  stopFollowing: () => void
  logger: Logger
}

/** Streams the order to `res` until it ends; `onChange` is what the change listener calls. */
export function streamOrder(ctx: OrderContext, i: FollowInput): OrderStream & { onChange(): void; done: Promise<void> } {
  const { res } = i
  const isLast = i.until === 'settled' ? isPaymentSettled : isTerminal
  let last = ''
  let ended = false
  let chain = Promise.resolve()
  let finished!: () => void
  const done = new Promise<void>((resolve) => (finished = resolve))

  const end = () => {
    if (ended) return
    ended = true
    clearInterval(keepAlive)
    clearTimeout(timeout)
    i.stopFollowing()
    if (!res.writableEnded) res.end()
    finished()
  }
  const send = (order: OrderView) => {
    if (ended) return
    const json = JSON.stringify(order)
    if (json !== last) {
      last = json
      res.write(`event: order\ndata: ${json}\n\n`)
    }
    if (isLast(order.status)) end()
  }
  const reread = async () => {
    if (ended) return
    try {
      send(await getOrder(ctx, i.user, i.orderId))
    } catch (err) {
      // The stream stays: the next change or keep-alive tries again; the client may reconnect.
      i.logger.warn({ err, orderId: i.orderId }, 'order stream could not re-read its order')
    }
  }

  const keepAlive = setInterval(() => {
    if (!ended) res.write(': keep-alive\n\n')
  }, KEEP_ALIVE_MS)
  const timeout = setTimeout(end, i.timeoutSeconds * 1000)
  res.on('close', end)
  send(i.first)
  return {
    end,
    done,
    onChange() {
      chain = chain.then(reread)
    },
  }
}
