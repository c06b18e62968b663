import { problemFrom } from './errors.ts'
import type { Transport } from './transport.ts'
import type { Order } from './types.ts'

const TERMINAL = new Set(['DELIVERED', 'CANCELLED'])

export interface FollowResult {
  /** How the changes arrived: a server-sent event stream, or polling where the platform cannot read a stream. */
  via: 'stream' | 'poll'
  last: Order | null
}

/** Splits a text/event-stream into its `event: order` payloads. */
export function parseEvents(buffer: string): { events: { event: string; data: string }[]; rest: string } {
  const events: { event: string; data: string }[] = []
  const blocks = buffer.split(/\r?\n\r?\n/)
  const rest = blocks.pop() ?? ''
  for (const block of blocks) {
    let event = 'message'
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (data.length) events.push({ event, data: data.join('\n') })
  }
  return { events, rest }
}

/**
 * Follows `GET /v1/orders/:id/events` until the order is terminal or `signal` aborts,
 * reconnecting when the server ends a stream early (its timeout) or the network drops.
 * Where fetch cannot read a body as a stream (some React Native builds), it polls instead.
 */
export async function followOrder(
  transport: Transport,
  id: string,
  onOrder: (order: Order) => void,
  signal?: AbortSignal,
  pollMs = 3000,
): Promise<FollowResult> {
  let last: Order | null = null
  let via: FollowResult['via'] = 'stream'
  let failures = 0
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms)
      signal?.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
    })
  const seen = (o: Order) => {
    last = o
    onOrder(o)
    return TERMINAL.has(o.status)
  }
  while (!signal?.aborted) {
    try {
      if (via === 'poll') {
        const res = await transport.sendOk(new Request(`${transport.baseUrl}/v1/orders/${encodeURIComponent(id)}`, { signal }))
        if (seen((await res.json()) as Order)) break
        await wait(pollMs)
        continue
      }
      const res = await transport.send(
        new Request(`${transport.baseUrl}/v1/orders/${encodeURIComponent(id)}/events?timeout=300`, {
          headers: { accept: 'text/event-stream' },
          signal,
        }),
      )
      if (!res.ok) throw await problemFrom(res)
      const reader = res.body?.getReader?.()
      if (!reader) {
        via = 'poll'
        continue
      }
      failures = 0
      const decoder = new TextDecoder()
      let buffer = ''
      let done = false
      for (;;) {
        const chunk = await reader.read()
        if (chunk.done) break
        buffer += decoder.decode(chunk.value, { stream: true })
        const parsed = parseEvents(buffer)
        buffer = parsed.rest
        for (const e of parsed.events) if (e.event === 'order' && seen(JSON.parse(e.data) as Order)) done = true
        if (done) {
          await reader.cancel().catch(() => {})
          break
        }
      }
      if (done) break
      // the server ended the stream before the order settled (its timeout): a moment, then again
      await wait(1000)
    } catch (err) {
      if (signal?.aborted) break
      const status = (err as { status?: number }).status
      // 4xx other than rate limiting will not get better by trying again
      if (status && status >= 400 && status < 500 && status !== 429) throw err
      failures++
      await wait(Math.min(1000 * 2 ** failures, 15_000))
    }
  }
  return { via, last }
}
