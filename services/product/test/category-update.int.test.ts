import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, makeCategory, makeProduct, type ProductHarness } from './helpers.ts'

let h: ProductHarness

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

const put = (id: string, payload: unknown, headers = h.admin) => h.app.inject({ method: 'PUT', url: `/categories/${id}`, headers, payload: payload as object })
const list = async () => (await h.app.inject({ method: 'GET', url: '/categories' })).json().items as { id: string; name: string; slug: string; parentId: string | null }[]

describe('renaming and moving a category', () => {
  it('an admin renames a category and gives it a new slug; the tree and listings show it at once', async () => {
    const id = await makeCategory(h, 'kitchen')
    await makeProduct(h, { categoryId: id, name: '무쇠 냄비' })
    await list() // the tree is now in the cache
    const res = await put(id, { name: ' 주방용품 ', slug: 'kitchenware' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id, name: '주방용품', slug: 'kitchenware', parentId: null })
    expect((await list()).find((c) => c.id === id)).toMatchObject({ name: '주방용품', slug: 'kitchenware' })
    const bySlug = await h.app.inject({ method: 'GET', url: '/products?category=kitchenware' })
    expect(bySlug.json().items.map((p: { name: string }) => p.name)).toEqual(['무쇠 냄비'])
  })

  it('moves a category under another parent, and back to the top with parentId null; a parent listing then includes it', async () => {
    const home = await makeCategory(h, 'home')
    const lamps = await makeCategory(h, 'lamps')
    await makeProduct(h, { categoryId: lamps, name: '무드등' })
    expect((await put(lamps, { parentId: home })).json().parentId).toBe(home)
    const underHome = await h.app.inject({ method: 'GET', url: '/products?category=home' })
    expect(underHome.json().items.map((p: { name: string }) => p.name)).toContain('무드등')
    expect((await put(lamps, { parentId: null })).json().parentId).toBeNull()
    expect((await h.app.inject({ method: 'GET', url: '/products?category=home' })).json().items).toEqual([])
  })

  it('never under itself or one of its own sub-categories (400 at /parentId), nor under a category that does not exist', async () => {
    const a = await makeCategory(h, 'cycle-a')
    const b = await makeCategory(h, 'cycle-b', a)
    const c = await makeCategory(h, 'cycle-c', b)
    for (const parent of [a, b, c]) {
      const res = await put(a, { parentId: parent })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/parentId' }] })
    }
    const unknown = await put(a, { parentId: '00000000-0000-4000-8000-000000000009' })
    expect([unknown.statusCode, unknown.json().errors[0].path]).toEqual([400, '/parentId'])
    expect((await list()).find((x) => x.id === a)?.parentId).toBeNull()
  })

  it('two moves at once cannot make a loop: one of them is refused', async () => {
    const x = await makeCategory(h, 'race-x')
    const y = await makeCategory(h, 'race-y')
    const [r1, r2] = await Promise.all([put(x, { parentId: y }), put(y, { parentId: x })])
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 400])
    const tree = await list()
    const px = tree.find((c) => c.id === x)!.parentId
    const py = tree.find((c) => c.id === y)!.parentId
    expect(px === y && py === x).toBe(false)
  })

  it('a taken slug is 409, an unknown category 404, an empty body or blank name 400, and only admins may', async () => {
    const id = await makeCategory(h, 'slug-owner')
    const other = await makeCategory(h, 'slug-wanter')
    expect((await put(other, { slug: 'slug-owner' })).statusCode).toBe(409)
    expect((await put('00000000-0000-4000-8000-000000000010', { name: '없음' })).statusCode).toBe(404)
    expect((await put(id, {})).statusCode).toBe(400)
    expect((await put(id, { name: '   ' })).statusCode).toBe(400)
    expect((await put(id, { name: '손님' }, h.customer)).statusCode).toBe(403)
    expect((await put(id, { name: '익명' }, {})).statusCode).toBe(401)
  })
})
