import { DEMO_CATEGORIES, DEMO_PRODUCTS, type DemoProduct, demoImagePath } from './catalogue.ts'

/**
 * Puts the demo catalogue into a shop through its public API, idempotently: a category
 * is known by its slug and a product by its SKU, so a rerun (or a run after a crash)
 * creates only what is missing and changes nothing that exists, not even stock that
 * sales have moved since.
 */

export interface ApiCategory {
  id: string
  slug: string
  name: string
  parentId: string | null
}

export interface NewDemoProduct {
  sku: string
  name: string
  description: string
  price: number
  categoryId: string
  attributes: Record<string, string>
  images: string[]
  /** On hand from the start, in the same call: no crash can leave a demo product created without its stock. */
  stock: number
}

/** The calls the seeder makes; scripts/demo/http-api.ts implements them over HTTP. */
export interface DemoCatalogueApi {
  /** Signs in as the admin the api was made for; later calls carry that admin's token. */
  login(): Promise<void>
  listCategories(): Promise<ApiCategory[]>
  /** 'exists' when the slug is taken (another seeder got there first). */
  createCategory(input: { name: string; slug: string; parentId: string | null }): Promise<ApiCategory | 'exists'>
  /** The live product with this SKU, or null when the shop has none (its name helps an API that cannot look SKUs up). */
  findProductBySku(sku: string, name: string): Promise<{ id: string } | null>
  /** 'exists' when the SKU is taken. */
  createProduct(input: NewDemoProduct): Promise<{ id: string } | 'exists'>
}

export interface DemoLogger {
  info(message: string): void
}

export interface SeedSummary {
  categories: { created: number; existing: number }
  products: { created: number; existing: number }
}

const silent: DemoLogger = { info: () => {} }

async function ensureCategories(api: DemoCatalogueApi, logger: DemoLogger, summary: SeedSummary): Promise<Map<string, string>> {
  const ids = new Map((await api.listCategories()).map((c) => [c.slug, c.id]))
  for (const category of DEMO_CATEGORIES) {
    if (ids.has(category.slug)) {
      summary.categories.existing++
      continue
    }
    const parentId = category.parent === null ? null : (ids.get(category.parent) ?? null)
    const created = await api.createCategory({ name: category.name, slug: category.slug, parentId })
    if (created === 'exists') {
      const found = (await api.listCategories()).find((c) => c.slug === category.slug)
      if (!found) throw new Error(`category ${category.slug} was refused as existing but is not listed`)
      ids.set(category.slug, found.id)
      summary.categories.existing++
    } else {
      ids.set(category.slug, created.id)
      summary.categories.created++
      logger.info(`category ${category.slug} created`)
    }
  }
  return ids
}

async function ensureProduct(api: DemoCatalogueApi, product: DemoProduct, categoryId: string): Promise<'created' | 'existing'> {
  if (await api.findProductBySku(product.sku, product.name)) return 'existing'
  const created = await api.createProduct({
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: product.price,
    categoryId,
    attributes: product.attributes,
    images: [demoImagePath(product.sku)],
    stock: product.stock,
  })
  // A duplicate SKU means the product is there already (a concurrent run made it, or
  // the API could not find it by name): it is left as it is.
  return created === 'exists' ? 'existing' : 'created'
}

/** Seeds the demo catalogue through `api` and says what it created and what was there already. */
export async function seedDemoCatalogue(api: DemoCatalogueApi, logger: DemoLogger = silent): Promise<SeedSummary> {
  const summary: SeedSummary = { categories: { created: 0, existing: 0 }, products: { created: 0, existing: 0 } }
  await api.login()
  const categoryIds = await ensureCategories(api, logger, summary)
  for (const product of DEMO_PRODUCTS) {
    const categoryId = categoryIds.get(product.category)
    if (!categoryId) throw new Error(`demo product ${product.sku} names unknown category ${product.category}`)
    const outcome = await ensureProduct(api, product, categoryId)
    summary.products[outcome]++
    if (outcome === 'created') logger.info(`product ${product.sku} created (${product.name})`)
  }
  return summary
}
