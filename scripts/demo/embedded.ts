import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { ConfigError, Env, loadConfig } from '@shop/platform/config'
import type { Logger } from '@shop/platform/logger'
import { Type } from '@sinclair/typebox'
import { createHttpDemoApi } from './http-api.ts'
import { seedDemoCatalogue } from './seed.ts'

export interface EmbeddedDemoOptions {
  dataDir: string
  /** The environment the services started with (the generated admin included). */
  env: Record<string, string | undefined>
  /** Where the gateway listens (HOST, GATEWAY_PORT). */
  host: string
  port: number
  logger: Logger
}

/** Written once the question is settled for a data dir: the demo catalogue was seeded, or the shop already had products. */
export const DEMO_MARKER_FILE = 'demo-catalogue.json'

const DemoConfig = Type.Object({ SHOP_DEMO_DATA: Env.bool(true) })

/** The gateway as seen from this process: a wildcard bind is reached on loopback. */
export function localGatewayUrl(host: string, port: number): string {
  const h = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${isIP(h) === 6 ? `[${h}]` : h}:${port}`
}

const print = (line: string) => process.stdout.write(`${line}\n`)

/**
 * Embedded mode's first start: a fresh shop whose catalogue is empty gets the Korean
 * demo catalogue through its own public API, unless SHOP_DEMO_DATA=false. It is decided
 * once per data dir, so a merchant who deleted the demo products does not get them back
 * at the next start, and a shop that already had products never gets them. A failure
 * never stops the shop; it says how to seed by hand.
 */
export async function seedDemoOnFirstStart(opts: EmbeddedDemoOptions): Promise<void> {
  const marker = join(opts.dataDir, DEMO_MARKER_FILE)
  try {
    if (!loadConfig(DemoConfig, opts.env).SHOP_DEMO_DATA) {
      print('Demo catalogue: off (SHOP_DEMO_DATA=false)')
      return
    }
    if (existsSync(marker)) return
    const gatewayUrl = localGatewayUrl(opts.host, opts.port)
    const listing = await fetch(`${gatewayUrl}/v1/products?limit=1`, { signal: AbortSignal.timeout(15_000) })
    if (!listing.ok) throw new Error(`GET /v1/products answered ${listing.status}`)
    const { items } = (await listing.json()) as { items: unknown[] }
    if (items.length > 0) {
      await writeFile(marker, `${JSON.stringify({ decidedAt: new Date().toISOString(), seeded: false, reason: 'the catalogue had products' })}\n`)
      return
    }
    const api = createHttpDemoApi({ gatewayUrl, email: opts.env.BOOTSTRAP_ADMIN_EMAIL ?? '', password: opts.env.BOOTSTRAP_ADMIN_PASSWORD ?? '' })
    const summary = await seedDemoCatalogue(api, { info: (line) => opts.logger.debug(line) })
    await writeFile(marker, `${JSON.stringify({ decidedAt: new Date().toISOString(), seeded: true, ...summary })}\n`)
    opts.logger.info({ products: summary.products.created, categories: summary.categories.created }, 'demo catalogue seeded')
    print(`Demo catalogue: seeded ${summary.products.created} products in ${summary.categories.created} categories (SHOP_DEMO_DATA=false turns this off)`)
  } catch (err) {
    const reason = err instanceof ConfigError ? err.message : (err as Error).message
    opts.logger.warn({ err }, 'demo catalogue not seeded')
    print(`Demo catalogue: not seeded (${reason}); \`npm run seed:demo\` seeds it into the running shop`)
  }
}
