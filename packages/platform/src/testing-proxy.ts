import { createServer, connect, type Socket } from 'node:net'

/**
 * A TCP proxy for reliability tests: point a client at it, then cut() to simulate a
 * network failure or broker restart without touching the shared server, and
 * restore() to bring the path back.
 */

export interface TcpProxy {
  /** The local port (on 127.0.0.1) that forwards to the target. */
  port: number
  /** Destroys every open connection and refuses new ones until restore(). */
  cut(): void
  restore(): void
  /** Keeps every connection open but stops passing the target's bytes on: a half-open path, silent until a timeout. */
  freeze(): void
  close(): Promise<void>
}

export interface TcpProxyOptions {
  /** Sees every chunk a client sends (a test can count the commands that reach the server). */
  onClientData?: (chunk: Buffer) => void
  /**
   * How long to hold a chunk the target sends before passing it on (0: at once). The
   * connection's later chunks wait behind it, so the client sees them late but in order:
   * an answer slower than the client's timeout.
   */
  holdTargetData?: (chunk: Buffer) => number
}

/** Starts a proxy on a free loopback port forwarding to target. */
export async function startTcpProxy(target: { host: string; port: number }, opts: TcpProxyOptions = {}): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let refusing = false
  let frozen = false

  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect({ host: target.host, port: target.port })
    sockets.add(client)
    sockets.add(upstream)
    const end = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
    if (opts.onClientData) client.on('data', opts.onClientData)
    client.pipe(upstream)
    let held = Promise.resolve()
    upstream.on('data', (chunk: Buffer) => {
      if (frozen) return
      const holdMs = opts.holdTargetData?.(chunk) ?? 0
      if (holdMs > 0) held = held.then(() => new Promise((resolve) => setTimeout(resolve, holdMs)))
      held = held.then(() => {
        if (!frozen && !client.destroyed) client.write(chunk)
      })
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('proxy has no TCP address')

  const cut = () => {
    refusing = true
    // A reset, not a graceful end: what the client sees when the peer or the network dies.
    for (const s of sockets) {
      try {
        s.resetAndDestroy()
      } catch {
        s.destroy()
      }
    }
    sockets.clear()
  }

  return {
    port: address.port,
    cut,
    restore() {
      refusing = false
      frozen = false
    },
    freeze() {
      frozen = true
    },
    async close() {
      cut()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
