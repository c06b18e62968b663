import { request } from 'node:http'

/** One server-sent event as a client reads it. */
export interface SseEvent {
  event: string
  data: string
}

/** An open text/event-stream answer, read as it comes. */
export interface SseStream {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Everything received so far, comments included. */
  raw(): string
  /** Waits for the first event not yet taken that matches (rejects if the stream ends first). */
  next(match?: (e: SseEvent) => boolean): Promise<SseEvent>
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  close(): void
}

/** Test helper: opens `url` as an event stream (GET with the given headers). */
export function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let text = ''
      let buffer = ''
      const events: SseEvent[] = []
      let done = false
      const waiters: (() => void)[] = []
      const wake = () => waiters.splice(0).forEach((w) => w())
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
        buffer += chunk
        let i: number
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i)
          buffer = buffer.slice(i + 2)
          const lines = block.split('\n').filter((l) => !l.startsWith(':'))
          if (lines.length === 0) continue
          const field = (name: string) =>
            lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trimStart()).join('\n')
          events.push({ event: field('event') || 'message', data: field('data') })
        }
        wake()
      })
      const ended = new Promise<void>((r) =>
        res.on('close', () => {
          done = true
          wake()
          r()
        }),
      )
      let taken = 0
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        raw: () => text,
        ended,
        close: () => req.destroy(),
        async next(match = () => true) {
          for (;;) {
            while (taken < events.length) {
              const e = events[taken++]
              if (match(e)) return e
            }
            if (done) throw new Error(`the stream ended before the event came; it read: ${text}`)
            await new Promise<void>((r) => waiters.push(r))
          }
        },
      })
    })
    req.on('error', reject)
    req.end()
  })
}
