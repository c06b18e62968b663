import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres } from '../src/embedded-postgres.ts'

// The embedded server is started on a port picked free a moment earlier; when another
// process took it in between, the caller must be able to tell (and try another port).
let dir: string
let squatter: Server
let port: number

beforeAll(async () => {
  // Not under /root (os.tmpdir() may be there): the postgres user must reach the folder.
  dir = await mkdtemp(join(tmpdir().startsWith('/root') ? '/tmp' : tmpdir(), 'embedded-pg-'))
  squatter = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => squatter.once('listening', resolve))
  port = (squatter.address() as { port: number }).port
})
afterAll(async () => {
  await new Promise((resolve) => squatter?.close(resolve))
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the embedded PostgreSQL on a port another process holds', () => {
  it("refuses to start with the port and PostgreSQL's own reason in the error", async () => {
    const started = startEmbeddedPostgres({ dataDir: dir, port })
    await expect(started).rejects.toThrow(new RegExp(`did not start on port ${port}.*Address already in use`))
  })
})
