import type { ApiCategory, DemoCatalogueApi, NewDemoProduct } from './seed.ts'

/**
 * The seeder's calls over the shop's public API with plain fetch. Kept apart from the
 * seeding logic so that moving to the typed client (@shop/client) changes this file only.
 */

export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'DemoApiError'
  }
}

export interface HttpDemoApiOptions {
  gatewayUrl: string
  email: string
  password: string
}

const ATTEMPTS = 5

/** Answers the seeder may retry: the shop is still starting or sheds load. Writes are safe to repeat (the slug and the SKU make them idempotent). */
const retryable = (status: number) => status === 429 || status === 502 || status === 503 || status === 504

export function createHttpDemoApi(opts: HttpDemoApiOptions): DemoCatalogueApi {
  const base = opts.gatewayUrl.replace(/\/+$/, '')
  let token: string | undefined

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    for (let attempt = 1; ; attempt++) {
      let res: Response
      try {
        res = await fetch(`${base}/v1${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        })
      } catch (err) {
        if (attempt >= ATTEMPTS) throw new Error(`${method} ${base}/v1${path}: ${(err as Error).message}`)
        await pause(attempt, null)
        continue
      }
      if (retryable(res.status) && attempt < ATTEMPTS) {
        await res.body?.cancel()
        await pause(attempt, res.headers.get('retry-after'))
        continue
      }
      const text = await res.text()
      let parsed: unknown = null
      try {
        parsed = text ? JSON.parse(text) : null
      } catch {
        // not JSON (a proxy's error page): the status says enough
      }
      return { status: res.status, body: parsed as T }
    }
  }

  function fail(what: string, res: { status: number; body: unknown }): never {
    const problem = (res.body ?? {}) as { code?: string; detail?: string; title?: string }
    throw new DemoApiError(res.status, problem.code, `${what}: ${res.status} ${problem.code ?? ''} ${problem.detail ?? problem.title ?? ''}`.trim())
  }

  return {
    async login() {
      const res = await call<{ accessToken: string }>('POST', '/auth/login', { email: opts.email, password: opts.password })
      if (res.status !== 200) fail(`login as ${opts.email}`, res)
      token = res.body.accessToken
    },
    async listCategories() {
      const res = await call<{ items: ApiCategory[] }>('GET', '/categories')
      if (res.status !== 200) fail('list categories', res)
      return res.body.items
    },
    async createCategory(input) {
      const res = await call<ApiCategory>('POST', '/categories', input)
      if (res.status === 409) return 'exists'
      if (res.status !== 201) fail(`create category ${input.slug}`, res)
      return res.body
    },
    async findProductBySku(sku, name) {
      // The API has no SKU lookup: search by the name and match the SKU.
      const res = await call<{ items: { id: string; sku: string }[] }>('GET', `/products?${new URLSearchParams({ q: name, limit: '100' })}`)
      if (res.status !== 200) fail(`search products for ${sku}`, res)
      const found = res.body.items.find((p) => p.sku === sku)
      return found ? { id: found.id } : null
    },
    async createProduct(input: NewDemoProduct) {
      const res = await call<{ id: string }>('POST', '/products', input)
      if (res.status === 409) return 'exists'
      if (res.status !== 201) fail(`create product ${input.sku}`, res)
      return { id: res.body.id }
    },
  }
}

function pause(attempt: number, retryAfter: string | null): Promise<void> {
  const seconds = Number(retryAfter)
  const ms = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) * 1000 : 200 * 2 ** attempt
  return new Promise((resolve) => setTimeout(resolve, ms))
}
