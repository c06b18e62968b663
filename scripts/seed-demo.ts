import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createHttpDemoApi } from './demo/http-api.ts'
import { seedDemoCatalogue } from './demo/seed.ts'

// `npm run seed:demo`: puts the Korean demo catalogue into a running shop through its
// public API. Idempotent: categories are matched by slug and products by SKU, so a rerun
// creates nothing and changes nothing.
//   GATEWAY_URL                                   the gateway (default http://127.0.0.1:8080)
//   SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD        the admin to sign in as, or else
//   BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD, or else
//   the embedded shop's generated admin in SHOP_DATA_DIR/secrets.json (default .data)

function fail(message: string): never {
  process.stderr.write(`seed:demo: ${message}\n`)
  process.exit(1)
}

function admin(): { email: string; password: string } {
  const env = process.env
  if (env.SEED_ADMIN_EMAIL && env.SEED_ADMIN_PASSWORD) return { email: env.SEED_ADMIN_EMAIL, password: env.SEED_ADMIN_PASSWORD }
  if (env.BOOTSTRAP_ADMIN_EMAIL && env.BOOTSTRAP_ADMIN_PASSWORD) return { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }
  const secrets = join(resolve(env.SHOP_DATA_DIR || '.data'), 'secrets.json')
  if (existsSync(secrets)) {
    const s = JSON.parse(readFileSync(secrets, 'utf8')) as { BOOTSTRAP_ADMIN_EMAIL?: string; BOOTSTRAP_ADMIN_PASSWORD?: string }
    if (s.BOOTSTRAP_ADMIN_EMAIL && s.BOOTSTRAP_ADMIN_PASSWORD) return { email: s.BOOTSTRAP_ADMIN_EMAIL, password: s.BOOTSTRAP_ADMIN_PASSWORD }
  }
  return fail('set SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD (or BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD)')
}

const gatewayUrl = process.env.GATEWAY_URL || 'http://127.0.0.1:8080'
try {
  const { products, categories } = await seedDemoCatalogue(createHttpDemoApi({ gatewayUrl, ...admin() }), {
    info: (line) => process.stdout.write(`${line}\n`),
  })
  process.stdout.write(
    `Seeded ${gatewayUrl}: ${products.created} products created (${products.existing} already there), ` +
      `${categories.created} categories created (${categories.existing} already there)\n`,
  )
} catch (err) {
  fail(`could not seed ${gatewayUrl}: ${(err as Error).message}`)
}
