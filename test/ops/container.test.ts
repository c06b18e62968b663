import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { dropDatabase, ensureDatabase } from '@shop/platform/db'
import { testAmqpUrl, testPgUrl, testRedisUrl, uniqueName } from '@shop/platform/testing'
import amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../e2e/shop.ts'
import { ROOT } from './support.ts'

// deploy/Dockerfile, built and run with podman on a base image made here (debootstrap of
// bookworm plus this host's Node: test/ops/base-image.sh), nothing pulled. The image
// runs the product service against the real PostgreSQL, RabbitMQ and Redis.

const run = promisify(execFile)
const podman = async (...args: string[]) => (await run('podman', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })).stdout.trim()
const IMAGE = 'localhost/shop:ops-test'
const container = `shop-ops-${randomBytes(4).toString('hex')}`
const prefix = uniqueName('ops_container')

async function waitForReady(url: string): Promise<void> {
  for (let i = 0; ; i++) {
    const state = await podman('inspect', '--format', '{{.State.Status}}', container)
    if (state !== 'running') throw new Error(`container is ${state}:\n${await podman('logs', container).catch(() => '')}`)
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false)
    if (ok) return
    if (i > 600) throw new Error(`${url} not ready:\n${await podman('logs', container)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('the service image', () => {
  let port: number
  let dbUrl: string

  beforeAll(async () => {
    const base = (await run(`${ROOT}test/ops/base-image.sh`, [], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })).stdout.trim()
    // The dependency layer is cached by podman between runs: only a change of a package
    // file or the lockfile reinstalls; a code change rebuilds the last layers only.
    const previous = await podman('image', 'inspect', '--format', '{{.Id}}', IMAGE).catch(() => '')
    await podman(
      'build', '--format', 'docker', '--pull=never', '--network=host',
      '-v', '/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro',
      '--build-arg', 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      '--build-arg', `BASE_IMAGE=${base}`,
      '-f', 'deploy/Dockerfile', '--ignorefile', 'deploy/Dockerfile.dockerignore', '-t', IMAGE, '.',
    )
    // The last run's image, now untagged, would otherwise pile up run after run.
    if (previous && previous !== (await podman('image', 'inspect', '--format', '{{.Id}}', IMAGE))) await podman('rmi', previous).catch(() => {})
    port = await freePort()
    dbUrl = await ensureDatabase(testPgUrl(), `${prefix}_product`)
    await podman(
      'run', '-d', '--name', container, '--network=host', '--read-only',
      // Podman runs healthchecks from systemd timers, absent here: the test runs it itself.
      '--health-interval=disable',
      '-e', `PRODUCT_PORT=${port}`, '-e', `PRODUCT_DATABASE_URL=${dbUrl}`,
      '-e', `AMQP_URL=${testAmqpUrl()}`, '-e', `AMQP_PREFIX=${prefix}.`,
      '-e', `REDIS_URL=${testRedisUrl()}`, '-e', `REDIS_KEY_PREFIX=${prefix}:`,
      '-e', 'AUTH_URL=http://127.0.0.1:9', '-e', 'LOG_LEVEL=info',
      IMAGE, 'product',
    )
    await waitForReady(`http://127.0.0.1:${port}/health/ready`)
  })

  afterAll(async () => {
    await podman('rm', '-f', container).catch(() => {})
    await dropDatabase(testPgUrl(), `${prefix}_product`).catch(() => {})
    const conn = await amqp.connect(testAmqpUrl())
    const ch = await conn.createChannel()
    for (const q of ['events', 'dlq', 'retry.200ms', 'retry.1000ms', 'retry.5000ms', 'retry.15000ms']) await ch.deleteQueue(`${prefix}.product.${q}`)
    for (const x of ['shop.events', 'shop.events.dlx']) await ch.deleteExchange(`${prefix}.${x}`)
    await conn.close()
  })

  it('runs the service as its first process, as the uid 1000 user, on a read-only root filesystem', async () => {
    const top = await podman('top', container, 'pid', 'user', 'args')
    const pid1 = top.split('\n').find((l) => /^\s*1\s/.test(l))
    expect(pid1).toMatch(/^\s*1\s+\S+\s+node --import tsx scripts\/start-service\.ts product\s*$/)
    expect(await podman('exec', container, 'id', '-u')).toBe('1000')
    expect(await podman('inspect', '--format', '{{.HostConfig.ReadonlyRootfs}}', container)).toBe('true')
    await expect(podman('exec', container, 'touch', '/app/written')).rejects.toThrow(/Read-only file system/)
  })

  it('answers /health and /health/ready and reports healthy by its HEALTHCHECK', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200)
    expect(JSON.parse(await podman('image', 'inspect', IMAGE))[0].Healthcheck.Test).toEqual(['CMD', 'node', 'deploy/healthcheck.mjs'])
    await podman('healthcheck', 'run', container)
    expect(await podman('inspect', '--format', '{{.State.Health.Status}}', container)).toBe('healthy')
  })

  it('stops cleanly on `podman stop`: SIGTERM reaches the service, which drains and exits 0 within the grace period', async () => {
    await podman('stop', '--time', '30', container)
    expect(await podman('inspect', '--format', '{{.State.ExitCode}}', container)).toBe('0')
    const lines = (await podman('logs', container)).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ reason: 'SIGTERM' })
    expect(lines.find((l) => l.msg === 'shutdown complete')).toMatchObject({ reason: 'SIGTERM', failures: 0 })
    expect(lines.some((l) => /second signal|timed out/.test(String(l.msg)))).toBe(false)
  })
})
