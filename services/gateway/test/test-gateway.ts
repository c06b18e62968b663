import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTokenVerifier } from '@shop/platform/auth'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { loadConfig } from '@shop/platform/config'
import { createLogger } from '@shop/platform/logger'
import type { Cache } from '@shop/platform/ports'
import type { ProcessName } from '@shop/platform/runtime'
import { createTestIssuer, serveJwks, type TestIssuer } from '@shop/platform/testing-auth'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.ts'
import { GatewayConfig } from '../src/config.ts'

// What the gateway's tests build the same way: a gateway as main.ts builds it, in front of
// upstreams the test runs on loopback, checking tokens of a test issuer whose JWKS it serves;
// and the built web app's stand-in a test renders pages with.

export interface TestGateway {
  app: FastifyInstance
  /** Signs the tokens the gateway accepts. */
  issuer: TestIssuer
  cache: Cache
  /** Closes the gateway, the JWKS server and the cache (upstreams are the test's own). */
  close(): Promise<void>
}

export interface TestGatewayOptions {
  /** One base URL answering for every service, or a URL per service. */
  upstream: string | Record<ProcessName, string>
  /** The gateway's settings beyond their defaults, as environment variables. */
  env?: Record<string, string>
  /** The cache (edge copies, the token denylist); a memory cache by default. */
  cache?: Cache
  webDistDir?: string
}

/** A gateway, ready but not listening (use app.inject, or app.listen for a real socket). */
export async function buildTestGateway(opts: TestGatewayOptions): Promise<TestGateway> {
  const urls =
    typeof opts.upstream === 'string'
      ? ({ auth: opts.upstream, product: opts.upstream, order: opts.upstream, payment: opts.upstream, shipping: opts.upstream, gateway: 'http://127.0.0.1:1' } as Record<
          ProcessName,
          string
        >)
      : opts.upstream
  const cache = opts.cache ?? createMemoryCache()
  const issuer = await createTestIssuer()
  const jwks = await serveJwks(issuer.jwks)
  const app = await buildApp({
    logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    version: 'test',
    urls,
    cache,
    verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist: cache }),
    config: loadConfig(GatewayConfig, opts.env ?? {}),
    webDistDir: opts.webDistDir,
  })
  await app.ready()
  return {
    app,
    issuer,
    cache,
    async close() {
      await app.close()
      await jwks.close()
      await cache.close()
    },
  }
}

export const PAGE_TEMPLATE = '<!doctype html><html><head><!--app-head--></head><body><div id="root"><!--app-html--></div><!--app-state--></body></html>'

/** A built web app's stand-in in a temporary folder: the page template and `renderer` as its server entry. */
export function webDistWith(renderer: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-web-'))
  mkdirSync(join(dir, 'client'))
  mkdirSync(join(dir, 'server'))
  writeFileSync(join(dir, 'client', 'index.html'), PAGE_TEMPLATE)
  writeFileSync(join(dir, 'server', 'entry-server.js'), renderer)
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
