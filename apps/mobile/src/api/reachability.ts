/**
 * Whether the shop's API answered the last request: any answer (an error status included)
 * means it is reachable; a fetch that throws (no network, server down) means it is not.
 * The offline banner reads this, so it says exactly what the shopper meets.
 */
export function createReachability(base: typeof fetch) {
  let online = true
  const listeners = new Set<() => void>()
  const set = (next: boolean) => {
    if (next === online) return
    online = next
    for (const l of listeners) l()
  }
  const tracked: typeof fetch = (input, init) =>
    base(input, init).then(
      (res) => {
        set(true)
        return res
      },
      (err: unknown) => {
        if ((err as Error)?.name !== 'AbortError') set(false)
        throw err
      },
    )
  return {
    fetch: tracked,
    online: () => online,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

export type Reachability = ReturnType<typeof createReachability>
