import type { IncomingMessage } from 'node:http'
import type { FastifyReply } from 'fastify'

/** The most of a refused body read and thrown away so the client hears the 413 (nginx reads on likewise). */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024
/** How long a client may take to finish sending a refused body before its connection is closed. */
export const DRAIN_MAX_MS = 30_000

/**
 * Keeps the connection of a request whose body was refused as too large open while the
 * rest of the body arrives, and throws that rest away. Fastify closes the connection
 * as soon as it answers, but a client that sends its whole body before it reads the
 * answer (Node's fetch, most HTTP libraries; only curl waits for 100 Continue) then
 * writes into a closed socket and reports EPIPE instead of the 413. Bounded: a body
 * declared or sent beyond DRAIN_MAX_BYTES, or still coming after DRAIN_MAX_MS, gets
 * the connection closed as before.
 */
export function lingerForRefusedBody(raw: IncomingMessage, reply: FastifyReply): void {
  const declared = Number(raw.headers['content-length'])
  if (declared > DRAIN_MAX_BYTES || raw.complete) return
  // Without `connection: close` Node reads the rest of the body after the answer and
  // keeps the connection for the client's next request.
  reply.removeHeader('connection')
  const socket = raw.socket
  let discarded = 0
  const timer = setTimeout(() => socket.destroy(), DRAIN_MAX_MS)
  timer.unref()
  const onData = (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > DRAIN_MAX_BYTES) socket.destroy()
  }
  const done = () => {
    clearTimeout(timer)
    raw.off('data', onData)
  }
  raw.on('data', onData)
  raw.once('end', done)
  raw.once('close', done)
  raw.resume()
}
