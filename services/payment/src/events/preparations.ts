/**
 * In-process news of the payments this process's order.created handler has prepared.
 * A POST /payments that finds no payment usually arrived a few milliseconds before its
 * order.created: it waits for that here rather than asking the order service over HTTP.
 * News of another replica never arrives; the wait then ends and the caller falls back.
 */
export interface Preparations {
  /** Resolves true once order.created of the order was handled here (also just before), false after `ms`. */
  wait(orderId: string, ms: number): Promise<boolean>
  /** Tells the waiters of the order; called after the handler's transaction committed. */
  prepared(orderId: string): void
  /** Whether a request is waiting for the order's order.created right now. */
  waiting(orderId: string): boolean
}

/** How long a preparation is remembered, so a waiter that looks just after it still learns of it. */
const REMEMBER_MS = 2000

export function createPreparations(): Preparations {
  const waiters = new Map<string, Set<() => void>>()
  /** Recently prepared order ids, oldest first (Map keeps insertion order), with when. */
  const recent = new Map<string, number>()

  function forgetOld(now: number) {
    for (const [orderId, at] of recent) {
      if (now - at < REMEMBER_MS) break
      recent.delete(orderId)
    }
  }

  return {
    wait(orderId, ms) {
      forgetOld(Date.now())
      if (recent.has(orderId)) return Promise.resolve(true)
      return new Promise<boolean>((resolve) => {
        const set = waiters.get(orderId) ?? new Set()
        waiters.set(orderId, set)
        const done = (prepared: boolean) => {
          clearTimeout(timer)
          set.delete(wake)
          if (set.size === 0 && waiters.get(orderId) === set) waiters.delete(orderId)
          resolve(prepared)
        }
        const wake = () => done(true)
        const timer = setTimeout(() => done(false), ms)
        set.add(wake)
      })
    },

    prepared(orderId) {
      const now = Date.now()
      forgetOld(now)
      recent.delete(orderId)
      recent.set(orderId, now)
      for (const wake of [...(waiters.get(orderId) ?? [])]) wake()
    },

    waiting: (orderId) => (waiters.get(orderId)?.size ?? 0) > 0,
  }
}
