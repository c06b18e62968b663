/* global process, fetch, AbortSignal */
// The image's HEALTHCHECK: asks this container's service for GET /health. The first
// process is the service itself (`node --import tsx scripts/start-service.ts <name>`),
// so its name is the last word of /proc/1/cmdline and its port is <NAME>_PORT or the
// default from packages/platform/src/runtime.ts. Plain JavaScript: no loader to start.
import { readFileSync } from 'node:fs'

const DEFAULT_PORTS = { gateway: 8080, auth: 8081, product: 8082, order: 8083, payment: 8084, shipping: 8085 }
const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean)
const name = args.at(-1)
if (!(name in DEFAULT_PORTS)) {
  process.stderr.write(`healthcheck: the first process (${args.join(' ')}) does not name a service\n`)
  process.exit(1)
}
const port = Number(process.env[`${name.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[name])
try {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2500) })
  process.exit(res.ok ? 0 : 1)
} catch (err) {
  process.stderr.write(`healthcheck: ${name} on port ${port}: ${err.message}\n`)
  process.exit(1)
}
