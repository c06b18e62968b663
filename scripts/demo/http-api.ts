import { createShopClient, isApiError } from '@shop/client'
import type { DemoCatalogueApi, NewDemoProduct } from './seed.ts'

/**
 * The seeder's calls over the shop's public API, through the typed client (@shop/client),
 * which retries 503s and dropped connections; here 429 and 502/504 are retried too, since
 * the writes are idempotent by slug and SKU and a shop that is still starting sheds load.
 */

export interface HttpDemoApiOptions {
  gatewayUrl: string
  email: string
  password: string
}

const ATTEMPTS = 5
const RETRYABLE = new Set([429, 502, 503, 504])

async function patiently<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const retry = isApiError(err) && (RETRYABLE.has(err.status) || err.code === 'network')
      if (!retry || attempt >= ATTEMPTS) throw err
      const wait = isApiError(err) && err.retryAfter ? Math.min(err.retryAfter, 5) * 1000 : 200 * 2 ** attempt
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}

/** `'exists'` for a 409 (the slug or SKU is taken), else the answer. */
async function unlessTaken<T>(fn: () => Promise<T>): Promise<T | 'exists'> {
  try {
    return await patiently(fn)
  } catch (err) {
    if (isApiError(err) && err.status === 409) return 'exists'
    throw err
  }
}

export function createHttpDemoApi(opts: HttpDemoApiOptions): DemoCatalogueApi {
  const client = createShopClient({ baseUrl: opts.gatewayUrl.replace(/\/+$/, '') })
  return {
    async login() {
      await patiently(() => client.auth.login(opts.email, opts.password))
    },
    async listCategories() {
      return (await patiently(() => client.categories.list())).items
    },
    createCategory: (input) => unlessTaken(() => client.categories.create(input)),
    async findProductBySku(sku, name) {
      // The API has no SKU lookup: search by the name and match the SKU.
      const page = await patiently(() => client.products.list({ q: name, limit: 100 }))
      const found = page.items.find((p) => p.sku === sku)
      return found ? { id: found.id } : null
    },
    async createProduct(input: NewDemoProduct) {
      const created = await unlessTaken(() => client.products.create(input))
      return created === 'exists' ? created : { id: created.id }
    },
  }
}
