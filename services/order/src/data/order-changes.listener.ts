import type { Logger } from '@shop/platform/logger'
import pg from 'pg'

/**
 * Committed order changes, heard from PostgreSQL: every transition commits
 * `pg_notify(ORDER_CHANGES_CHANNEL, orderId)` with the change (order.repository.ts), so
 * whichever replica applied it, every replica's LISTEN connection hears it after commit.
 * One dedicated connection per process, opened when the first stream follows an order;
 * when it drops it is opened again, and every follower is told to re-read, since
 * notifications sent while no one listened are lost.
 */

export const ORDER_CHANGES_CHANNEL = 'order_changes'

export interface OrderChanges {
  /**
   * Calls `onChange` after each committed change of the order (and after a reconnect, when
   * changes may have been missed). Resolves once the connection listens, so a read made
   * after it sees every change it will not hear about; returns the function that stops.
   */
  follow(orderId: string, onChange: () => void): Promise<() => void>
  close(): Promise<void>
}

export interface OrderChangesOptions {
  /** The order database (boot refuses to start a service without one). */
  databaseUrl: string | undefined
  logger: Logger
  /** Wait before opening a dropped connection again (default 500 ms). */
  reconnectMs?: number
}

export function createOrderChanges(opts: OrderChangesOptions): OrderChanges {
  const followers = new Map<string, Set<() => void>>()
  const reconnectMs = opts.reconnectMs ?? 500
  let client: pg.Client | undefined
  let listening: Promise<void> | undefined
  let retry: NodeJS.Timeout | undefined
  let closed = false

  const tellEveryone = () => {
    for (const set of followers.values()) for (const f of set) f()
  }

  const dropped = (c: pg.Client, err?: Error) => {
    if (client !== c) return
    client = undefined
    listening = undefined
    c.end().catch(() => {})
    if (closed) return
    opts.logger.warn({ err }, 'order change listener lost its connection; reconnecting')
    scheduleReconnect()
  }

  const scheduleReconnect = () => {
    if (retry || closed || followers.size === 0) return
    retry = setTimeout(() => {
      retry = undefined
      // The streams still open re-read their order once listening again: what changed meanwhile reaches them.
      listen().then(tellEveryone, () => scheduleReconnect())
    }, reconnectMs)
    retry.unref()
  }

  const listen = (): Promise<void> => {
    if (closed || !opts.databaseUrl) return Promise.reject(new Error('order change listener closed or without a database'))
    if (listening) return listening
    const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'order-changes' })
    client = c
    c.on('error', (err) => dropped(c, err))
    c.on('end', () => dropped(c))
    c.on('notification', (n) => {
      if (n.channel !== ORDER_CHANGES_CHANNEL || !n.payload) return
      for (const f of followers.get(n.payload) ?? []) f()
    })
    const attempt = (async () => {
      await c.connect()
      await c.query(`LISTEN ${ORDER_CHANGES_CHANNEL}`)
    })()
    listening = attempt
    attempt.catch((err: Error) => dropped(c, err))
    return attempt
  }

  return {
    async follow(orderId, onChange) {
      let set = followers.get(orderId)
      if (!set) followers.set(orderId, (set = new Set()))
      set.add(onChange)
      const stop = () => {
        const s = followers.get(orderId)
        if (!s) return
        s.delete(onChange)
        if (s.size === 0) followers.delete(orderId)
      }
      try {
        await listen()
      } catch (err) {
        stop()
        throw err
      }
      return stop
    },
    async close() {
      closed = true
      if (retry) clearTimeout(retry)
      followers.clear()
      const c = client
      client = undefined
      listening = undefined
      await c?.end().catch(() => {})
    },
  }
}
