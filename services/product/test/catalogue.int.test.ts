import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, inventoryRow, makeCategory, makeProduct, nextSku, outboxEvents, type ProductHarness } from './helpers.ts'

let h: ProductHarness
let categoryId: string

beforeAll(async () => {
  h = await createHarness()
  categoryId = await makeCategory(h, 'audio')
})
afterAll(async () => {
  await h?.close()
})

const validBody = () => ({
  sku: nextSku('CAT'),
  name: '무선이어폰 프로',
  description: '노이즈 캔슬링 Bluetooth earphones',
  price: 129_000,
  categoryId,
  attributes: { color: 'white', specs: { battery: '6h' } },
  images: ['https://cdn.example.com/p/1.jpg'],
  stock: 7,
})

describe('creating products', () => {
  it('when an admin creates a product, it is 201 with the product, its stock, a version ETag and product.updated', async () => {
    const body = validBody()
    const res = await h.app.inject({ method: 'POST', url: '/products', headers: h.admin, payload: body })
    expect(res.statusCode).toBe(201)
    const p = res.json()
    expect(p).toMatchObject({
      sku: body.sku,
      name: body.name,
      price: 129_000,
      currency: 'KRW',
      categoryId,
      attributes: body.attributes,
      images: body.images,
      stock: { available: 7 },
      version: 1,
    })
    expect(res.headers.etag).toBe('"1"')
    const events = await outboxEvents(h, 'product.updated')
    expect(events.map((e) => e.data.productId)).toContain(p.id)
  })

  it('when a customer creates a product, it is 403 forbidden', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/products', headers: h.customer, payload: validBody() })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('forbidden')
  })

  it('without a token, it is 401 unauthorized', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/products', payload: validBody() })
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-type']).toContain('application/problem+json')
  })

  it('a duplicate sku is 409 conflict', async () => {
    const body = validBody()
    await makeProduct(h, { categoryId, sku: body.sku })
    const res = await h.app.inject({ method: 'POST', url: '/products', headers: h.admin, payload: body })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('conflict')
  })

  it('bad fields are 400 validation_failed naming each path', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/products',
      headers: h.admin,
      payload: { ...validBody(), price: -1, name: '', extra: true },
    })
    expect(res.statusCode).toBe(400)
    const problem = res.json()
    expect(problem.code).toBe('validation_failed')
    const paths = problem.errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/price', '/name', '/extra']))
  })

  it('a blank name after trimming is 400 at /name', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/products', headers: h.admin, payload: { ...validBody(), name: '   ' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([{ path: '/name', message: 'must not be blank' }])
  })

  it('an unknown category is 400 at /categoryId', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/products',
      headers: h.admin,
      payload: { ...validBody(), categoryId: '00000000-0000-4000-8000-000000000000' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([{ path: '/categoryId', message: 'the category does not exist' }])
  })

  it('image URLs aimed at internal hosts are 400 at their index', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/products',
      headers: h.admin,
      payload: { ...validBody(), images: ['https://cdn.example.com/a.png', 'http://169.254.169.254/latest', 'ftp://x.com/a'] },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['/images/1', '/images/2'])
  })

  it('attributes that are too large are 400 at /attributes', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/products',
      headers: h.admin,
      payload: { ...validBody(), attributes: { blob: 'x'.repeat(9000) } },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].path).toBe('/attributes')
  })
})

describe('reading, updating and deleting products', () => {
  it('an unknown id is 404 not_found; a malformed one is 400', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/products/00000000-0000-4000-8000-000000000001' })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('not_found')
    expect((await h.app.inject({ method: 'GET', url: '/products/not-a-uuid' })).statusCode).toBe(400)
  })

  it('an update with the current If-Match applies, bumps the version and returns the new ETag', async () => {
    const p = await makeProduct(h, { categoryId, price: 1000 })
    const res = await h.app.inject({
      method: 'PUT',
      url: `/products/${p.id}`,
      headers: { ...h.admin, 'if-match': '"1"' },
      payload: { price: 2000, attributes: { size: 'L' } },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ price: 2000, attributes: { size: 'L' }, version: 2, name: p.name })
    expect(res.headers.etag).toBe('"2"')
    const read = await h.app.inject({ method: 'GET', url: `/products/${p.id}` })
    expect(read.json().price).toBe(2000)
    expect(read.headers.etag).toBe('"2"')
  })

  it('an update with a stale If-Match is 409 conflict saying it was modified, and changes nothing', async () => {
    const p = await makeProduct(h, { categoryId, price: 1000 })
    await h.app.inject({ method: 'PUT', url: `/products/${p.id}`, headers: h.admin, payload: { price: 1500 } })
    const res = await h.app.inject({
      method: 'PUT',
      url: `/products/${p.id}`,
      headers: { ...h.admin, 'if-match': '"1"' },
      payload: { price: 9999 },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'conflict', detail: expect.stringContaining('modified') })
    expect((await h.app.inject({ method: 'GET', url: `/products/${p.id}` })).json().price).toBe(1500)
  })

  it('an update by a customer is 403, of an unknown product 404, with unknown fields 400', async () => {
    const p = await makeProduct(h, { categoryId })
    expect((await h.app.inject({ method: 'PUT', url: `/products/${p.id}`, headers: h.customer, payload: { price: 1 } })).statusCode).toBe(403)
    const unknown = await h.app.inject({
      method: 'PUT',
      url: '/products/00000000-0000-4000-8000-000000000002',
      headers: h.admin,
      payload: { price: 1 },
    })
    expect(unknown.statusCode).toBe(404)
    const bad = await h.app.inject({ method: 'PUT', url: `/products/${p.id}`, headers: h.admin, payload: { currency: 'USD' } })
    expect(bad.statusCode).toBe(400)
  })

  it('delete is 204, then the product is 404 and its sku can be reused', async () => {
    const p = await makeProduct(h, { categoryId })
    const del = await h.app.inject({ method: 'DELETE', url: `/products/${p.id}`, headers: h.admin })
    expect(del.statusCode).toBe(204)
    expect((await h.app.inject({ method: 'GET', url: `/products/${p.id}` })).statusCode).toBe(404)
    expect((await h.app.inject({ method: 'DELETE', url: `/products/${p.id}`, headers: h.admin })).statusCode).toBe(404)
    const again = await makeProduct(h, { categoryId, sku: p.sku })
    expect(again.id).not.toBe(p.id)
  })
})

describe('stock', () => {
  it('an admin sets on hand and gets { productId, onHand, reserved, available }', async () => {
    const p = await makeProduct(h, { categoryId, stock: 3 })
    const res = await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: 12 } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ productId: p.id, onHand: 12, reserved: 0, available: 12 })
    expect((await h.app.inject({ method: 'GET', url: `/products/${p.id}` })).json().stock).toEqual({ available: 12 })
  })

  it('setting on hand below what is reserved is 409 conflict and leaves the row alone', async () => {
    const p = await makeProduct(h, { categoryId, stock: 10 })
    const reserve = await h.app.inject({
      method: 'POST',
      url: '/internal/reservations',
      headers: h.customer,
      payload: { orderId: crypto.randomUUID(), items: [{ productId: p.id, quantity: 6 }] },
    })
    expect(reserve.statusCode).toBe(201)
    const res = await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: 5 } })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('conflict')
    expect(await inventoryRow(h, p.id)).toEqual({ on_hand: 10, reserved: 6 })
    const ok = await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: 6 } })
    expect(ok.json()).toEqual({ productId: p.id, onHand: 6, reserved: 6, available: 0 })
  })

  it('a stock change that takes available below the threshold emits inventory.low once', async () => {
    const p = await makeProduct(h, { categoryId, stock: 20 })
    await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: 4 } })
    await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: 3 } })
    const low = (await outboxEvents(h, 'inventory.low')).filter((e) => e.data.productId === p.id)
    expect(low.map((e) => e.data)).toEqual([{ productId: p.id, available: 4 }])
  })

  it('an admin editing stock while buyers take the last units never deadlocks with them', async () => {
    // A sell-out locks the inventory row, then (through the in_stock trigger) the product
    // row; the edit must take them in the same order.
    for (let round = 0; round < 15; round++) {
      const p = await makeProduct(h, { categoryId, stock: 1 })
      const [edit, reserve] = await Promise.all([
        h.app.inject({ method: 'PUT', url: `/products/${p.id}`, headers: h.admin, payload: { name: `edited ${round}`, stock: 3 } }),
        h.app.inject({
          method: 'POST',
          url: '/internal/reservations',
          headers: h.customer,
          payload: { orderId: crypto.randomUUID(), items: [{ productId: p.id, quantity: 1 }] },
        }),
      ])
      expect(edit.statusCode, edit.body).toBe(200)
      expect(reserve.statusCode, reserve.body).toBeLessThan(300)
    }
  })

  it('stock writes need an admin and a live product', async () => {
    const p = await makeProduct(h, { categoryId })
    expect((await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, payload: { onHand: 1 } })).statusCode).toBe(401)
    expect((await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.customer, payload: { onHand: 1 } })).statusCode).toBe(403)
    const neg = await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: -1 } })
    expect(neg.statusCode).toBe(400)
    expect(neg.json().errors[0].path).toBe('/onHand')
    await h.app.inject({ method: 'DELETE', url: `/products/${p.id}`, headers: h.admin })
    expect((await h.app.inject({ method: 'PUT', url: `/products/${p.id}/stock`, headers: h.admin, payload: { onHand: 1 } })).statusCode).toBe(404)
  })
})

describe('categories', () => {
  it('an admin creates a tree; anyone lists it with parents first', async () => {
    const parent = await h.app.inject({ method: 'POST', url: '/categories', headers: h.admin, payload: { name: '패션', slug: 'fashion' } })
    expect(parent.statusCode).toBe(201)
    const child = await h.app.inject({
      method: 'POST',
      url: '/categories',
      headers: h.admin,
      payload: { name: '신발', slug: 'shoes', parentId: parent.json().id },
    })
    expect(child.json()).toMatchObject({ name: '신발', slug: 'shoes', parentId: parent.json().id })
    const list = (await h.app.inject({ method: 'GET', url: '/categories' })).json().items
    const slugs = list.map((c: { slug: string }) => c.slug)
    expect(slugs.indexOf('fashion')).toBeLessThan(slugs.indexOf('shoes'))
  })

  it('a duplicate slug is 409, an unknown parent 400 at /parentId, a bad slug 400, a customer 403', async () => {
    await makeCategory(h, 'dup-slug')
    expect((await h.app.inject({ method: 'POST', url: '/categories', headers: h.admin, payload: { name: 'x', slug: 'dup-slug' } })).statusCode).toBe(409)
    const orphan = await h.app.inject({
      method: 'POST',
      url: '/categories',
      headers: h.admin,
      payload: { name: 'x', slug: 'orphan', parentId: '00000000-0000-4000-8000-000000000003' },
    })
    expect(orphan.statusCode).toBe(400)
    expect(orphan.json().errors[0].path).toBe('/parentId')
    expect((await h.app.inject({ method: 'POST', url: '/categories', headers: h.admin, payload: { name: 'x', slug: 'Bad Slug' } })).statusCode).toBe(400)
    expect((await h.app.inject({ method: 'POST', url: '/categories', headers: h.customer, payload: { name: 'x', slug: 'y' } })).statusCode).toBe(403)
  })
})
