import { answers, testPgUrl } from '@shop/platform/testing'
import { ensureWebBuild } from '../scripts/web-build.ts'
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '@shop/platform/embedded-postgres'

// Tests need a PostgreSQL server. Use the one configured (or on 127.0.0.1:5432); when
// none answers outside CI, start an embedded one so `npm test` still runs everything.
let embedded: EmbeddedPostgresHandle | undefined

export async function setup() {
  // Built once here, before any test starts a gateway that serves it.
  await ensureWebBuild()
  process.env.SHOP_WEB_PREBUILT = '1'
  if (await answers(testPgUrl())) return
  if (process.env.CI === 'true') throw new Error(`CI=true and PostgreSQL does not answer at ${testPgUrl()}`)
  embedded = await startEmbeddedPostgres({ dataDir: '/tmp/shop-test-data', port: 54399 })
  process.env.TEST_PG_URL = embedded.url
}

export async function teardown() {
  await embedded?.stop()
}
