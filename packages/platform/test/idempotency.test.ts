import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Conflict, IdempotencyKeyReuse, NotFound } from '../src/errors.ts'
import { withTransaction } from '../src/db.ts'
import { type ClaimingStatement, createIdempotencyStore, idempotencyClaim, idempotencyComplete, requestFingerprint } from '../src/idempotency.ts'
import { createTestDatabase, eventually, type TestDatabase, uniqueName } from '../src/testing.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'idempotency' })
  // Stands for a handler's effect (an order, a charge).
  await db.pool.query('CREATE TABLE effects (id text PRIMARY KEY)')
})

afterAll(async () => {
  await db?.drop()
})

const fp = (body: unknown) => requestFingerprint({ method: 'POST', path: '/orders', body })
const rowsFor = async (key: string) =>
  (await db.pool.query('SELECT scope, state FROM idempotency_keys WHERE key = $1', [key])).rows

describe('Idempotency-Key store', () => {
  it('20 concurrent requests with one key run the handler once and all get the same response', async () => {
    const store = createIdempotencyStore(db.pool)
    const key = uniqueName('k')
    let calls = 0
    const handler = async () => {
      calls++
      await sleep(100)
      return { status: 201, body: { orderId: 'ord_1', total: 30_000 }, headers: { location: '/orders/ord_1' } }
    }
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.run({ scope: 'user-1', key, fingerprint: fp({ qty: 1 }) }, handler)),
    )
    expect(calls).toBe(1)
    for (const r of results) {
      expect(r.status).toBe(201)
      expect(r.body).toEqual({ orderId: 'ord_1', total: 30_000 })
      expect(r.headers).toEqual({ location: '/orders/ord_1' })
    }
    expect(results.filter((r) => r.replayed)).toHaveLength(19)
    expect(await rowsFor(key)).toEqual([{ scope: 'user-1', state: 'completed' }])
  })

  it('the same key and body after completion replays the stored response without running the handler', async () => {
    const store = createIdempotencyStore(db.pool)
    const req = { scope: 'user-1', key: uniqueName('k'), fingerprint: fp({ a: 1, b: [1, 2] }) }
    const first = await store.run(req, async () => ({ status: 201, body: { id: 'p_1', items: [{ n: 1 }] } }))
    expect(first).toEqual({ status: 201, body: { id: 'p_1', items: [{ n: 1 }] }, replayed: false })
    const again = await store.run(req, async () => {
      throw new Error('must not run')
    })
    expect(again).toEqual({ status: 201, body: { id: 'p_1', items: [{ n: 1 }] }, replayed: true })
  })

  it('the same key with a different body is refused with 422 idempotency_key_reuse', async () => {
    const store = createIdempotencyStore(db.pool)
    const key = uniqueName('k')
    await store.run({ scope: 'user-1', key, fingerprint: fp({ qty: 1 }) }, async () => ({ status: 201, body: { ok: true } }))
    let ran = false
    const err = await store
      .run({ scope: 'user-1', key, fingerprint: fp({ qty: 2 }) }, async () => {
        ran = true
        return { status: 201, body: { ok: true } }
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IdempotencyKeyReuse)
    expect((err as IdempotencyKeyReuse).status).toBe(422)
    expect((err as IdempotencyKeyReuse).code).toBe('idempotency_key_reuse')
    expect(ran).toBe(false)
  })

  it('a handler that throws leaves no row, and a retry with the same key runs again', async () => {
    const store = createIdempotencyStore(db.pool)
    const req = { scope: 'user-1', key: uniqueName('k'), fingerprint: fp({ qty: 1 }) }
    await expect(
      store.run(req, async () => {
        throw new NotFound('product p_9')
      }),
    ).rejects.toBeInstanceOf(NotFound)
    expect(await rowsFor(req.key)).toEqual([])
    const retry = await store.run(req, async () => ({ status: 201, body: { second: true } }))
    expect(retry).toEqual({ status: 201, body: { second: true }, replayed: false })
  })

  it('keys are scoped per user: the same key from two users runs for each', async () => {
    const store = createIdempotencyStore(db.pool)
    const key = uniqueName('k')
    const a = await store.run({ scope: 'user-a', key, fingerprint: fp({ x: 1 }) }, async () => ({ status: 201, body: 'a' }))
    // A different body too: no reuse error across users.
    const b = await store.run({ scope: 'user-b', key, fingerprint: fp({ x: 2 }) }, async () => ({ status: 201, body: 'b' }))
    expect([a.body, a.replayed, b.body, b.replayed]).toEqual(['a', false, 'b', false])
    expect((await rowsFor(key)).map((r) => r.scope).sort()).toEqual(['user-a', 'user-b'])
  })

  it('once a stored response has expired the key runs again, even with another body', async () => {
    // A second's life: the replay right after the first answer comes well within it on a loaded machine.
    const store = createIdempotencyStore(db.pool, { ttlMs: 1000 })
    const key = uniqueName('k')
    const first = await store.run({ scope: 'u', key, fingerprint: fp({ v: 1 }) }, async () => ({ status: 200, body: 1 }))
    expect(first.replayed).toBe(false)
    expect((await store.run({ scope: 'u', key, fingerprint: fp({ v: 1 }) }, async () => ({ status: 200, body: 9 }))).replayed).toBe(true)
    await sleep(1100)
    const later = await store.run({ scope: 'u', key, fingerprint: fp({ v: 2 }) }, async () => ({ status: 200, body: 2 }))
    expect(later).toEqual({ status: 200, body: 2, replayed: false })
  })

  it('concurrent requests on an expired key still run the handler only once', async () => {
    const short = createIdempotencyStore(db.pool, { ttlMs: 100 })
    // The new response must outlive the race, or a slow duplicate would see it expire too.
    const store = createIdempotencyStore(db.pool)
    const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 1 }) }
    await short.run(req, async () => ({ status: 200, body: 'old' }))
    await sleep(150)
    let calls = 0
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.run(req, async () => {
          calls++
          await sleep(50)
          return { status: 200, body: 'new' }
        }),
      ),
    )
    expect(calls).toBe(1)
    expect(results.every((r) => r.body === 'new')).toBe(true)
  })

  it('a duplicate still in progress after waitMs gets 409 conflict, and replays once it finishes', async () => {
    const store = createIdempotencyStore(db.pool, { waitMs: 100, pollMs: 20 })
    const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ slow: true }) }
    const slow = store.run(req, async () => {
      await sleep(400)
      return { status: 201, body: { done: true } }
    })
    await eventually(async () => (await rowsFor(req.key)).length === 1)
    const started = Date.now()
    const err = await store.run(req, async () => ({ status: 201, body: { done: false } })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Conflict)
    expect((err as Conflict).status).toBe(409)
    expect((err as Conflict).code).toBe('conflict')
    expect((err as Conflict).detail).toBe('a request with this Idempotency-Key is still in progress')
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    expect(await slow).toMatchObject({ replayed: false, body: { done: true } })
    expect(await store.run(req, async () => ({ status: 500, body: { done: false } }))).toMatchObject({ replayed: true, body: { done: true } })
  })

  it('a claim whose lease lapsed (its request crashed) no longer pins the key', async () => {
    const store = createIdempotencyStore(db.pool, { lockMs: 100, waitMs: 1_000 })
    const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 1 }) }
    // What a process that died mid-handler leaves behind.
    await db.pool.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'in_progress', now() + interval '100 milliseconds')`,
      [req.scope, req.key, req.fingerprint],
    )
    const r = await store.run(req, async () => ({ status: 201, body: 'ran' }))
    expect(r).toEqual({ status: 201, body: 'ran', replayed: false })
  })

  it('purgeExpired deletes expired rows only and says how many', async () => {
    const short = createIdempotencyStore(db.pool, { ttlMs: 50 })
    const long = createIdempotencyStore(db.pool)
    const k1 = uniqueName('k')
    const k2 = uniqueName('k')
    await short.run({ scope: 'purge', key: k1, fingerprint: fp(1) }, async () => ({ status: 200, body: 1 }))
    await long.run({ scope: 'purge', key: k2, fingerprint: fp(2) }, async () => ({ status: 200, body: 2 }))
    await sleep(80)
    expect(await short.purgeExpired()).toBeGreaterThanOrEqual(1)
    expect(await rowsFor(k1)).toEqual([])
    expect(await rowsFor(k2)).toHaveLength(1)
  })

  describe('answered by the handler with its effect', () => {
    const effectsOf = async (id: string) => (await db.pool.query('SELECT id FROM effects WHERE id = $1', [id])).rowCount

    it('an answer stored in the statement of the effect survives a failure after it: the retry replays, the effect stays one', async () => {
      const store = createIdempotencyStore(db.pool)
      const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 1 }) }
      const id = uniqueName('effect')
      await expect(
        store.run(req, async (claim) => {
          const res = { status: 201, body: { id } }
          await db.pool.query(`WITH a AS (${idempotencyComplete(2)}) INSERT INTO effects (id) VALUES ($1)`, [id, ...claim.answerRow(res)])
          // What a crash, or any failure, right after the commit amounts to.
          throw new Error('lost after the commit')
        }),
      ).rejects.toThrow('lost after the commit')
      let ranAgain = false
      const retry = await store.run(req, async () => {
        ranAgain = true
        return { status: 500, body: { id: 'second' } }
      })
      expect(ranAgain).toBe(false)
      expect(retry).toEqual({ status: 201, body: { id }, replayed: true })
      expect(await effectsOf(id)).toBe(1)
      expect(await rowsFor(req.key)).toEqual([{ scope: 'u', state: 'completed' }])
    })

    it("a handler that answered returns its response once, without the flag, and it replays as stored", async () => {
      const store = createIdempotencyStore(db.pool)
      const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 2 }) }
      const id = uniqueName('effect')
      const first = await store.run(req, (claim) =>
        withTransaction(db.pool, async (client) => {
          await client.query('INSERT INTO effects (id) VALUES ($1)', [id])
          const res = { status: 201, body: { id }, headers: { location: `/effects/${id}` } }
          await claim.answer(client, res)
          return { ...res, answered: true }
        }),
      )
      expect(first).toEqual({ status: 201, body: { id }, headers: { location: `/effects/${id}` }, replayed: false })
      expect(await store.run(req, async () => ({ status: 500, body: { id: 'second' } }))).toEqual({ ...first, replayed: true })
    })

    it('an answer in a transaction that rolls back is not stored: the key is free and the retry runs', async () => {
      const store = createIdempotencyStore(db.pool)
      const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 3 }) }
      const id = uniqueName('effect')
      await expect(
        store.run(req, (claim) =>
          withTransaction(db.pool, async (client) => {
            await client.query('INSERT INTO effects (id) VALUES ($1)', [id])
            await claim.answer(client, { status: 201, body: { id } })
            throw new Error('rolled back')
          }),
        ),
      ).rejects.toThrow('rolled back')
      expect(await effectsOf(id)).toBe(0)
      expect(await rowsFor(req.key)).toEqual([])
      expect(await store.run(req, async () => ({ status: 201, body: { id: 'retried' } }))).toEqual({ status: 201, body: { id: 'retried' }, replayed: false })
    })
  })
  describe('claimed in the statement of the effect (runClaiming)', () => {
    const effectsOf = async (id: string) => (await db.pool.query('SELECT id FROM effects WHERE id = $1', [id])).rowCount
    /** Claims the key and, only with it, writes the effect `id`; found: whether it wrote it. */
    const claimAndWrite =
      (id: string): ClaimingStatement<boolean> =>
      async (claimRow) => {
        const { rows } = await db.pool.query<{ token: string | null; wrote: boolean }>(
          `WITH k AS (${idempotencyClaim(2)}),
                e AS (INSERT INTO effects (id) SELECT $1 WHERE EXISTS (SELECT 1 FROM k) ON CONFLICT DO NOTHING RETURNING id)
           SELECT (SELECT token FROM k) AS token, EXISTS (SELECT 1 FROM e) AS wrote`,
          [id, ...claimRow],
        )
        return { token: rows[0].token, found: rows[0].wrote }
      }

    it('20 concurrent requests with one key: one claims and writes the effect, the others write nothing and replay its answer', async () => {
      const store = createIdempotencyStore(db.pool)
      const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 4 }) }
      let handled = 0
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.runClaiming(req, claimAndWrite(`${req.key}-${i}`), async (_claim, wrote) => {
            handled++
            await sleep(100)
            return { status: 201, body: { wrote } }
          }),
        ),
      )
      expect(handled).toBe(1)
      for (const r of results) expect(r).toMatchObject({ status: 201, body: { wrote: true } })
      expect(results.filter((r) => r.replayed)).toHaveLength(19)
      const written = await Promise.all(Array.from({ length: 20 }, (_, i) => effectsOf(`${req.key}-${i}`)))
      expect(written.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(1)
    })

    it('a key held by another body is refused before any effect: 422, nothing written', async () => {
      const store = createIdempotencyStore(db.pool)
      const key = uniqueName('k')
      await store.run({ scope: 'u', key, fingerprint: fp({ v: 5 }) }, async () => ({ status: 201, body: {} }))
      const id = uniqueName('effect')
      await expect(
        store.runClaiming({ scope: 'u', key, fingerprint: fp({ v: 6 }) }, claimAndWrite(id), async () => ({ status: 201, body: {} })),
      ).rejects.toBeInstanceOf(IdempotencyKeyReuse)
      expect(await effectsOf(id)).toBe(0)
    })

    it('a handler that fails after the claiming statement frees the key: the retry claims it again', async () => {
      const store = createIdempotencyStore(db.pool)
      const req = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 7 }) }
      const id = uniqueName('effect')
      await expect(
        store.runClaiming(req, claimAndWrite(id), async () => {
          throw new Error('failed after the claim')
        }),
      ).rejects.toThrow('failed after the claim')
      expect(await rowsFor(req.key)).toEqual([])
      const retry = await store.runClaiming(req, claimAndWrite(`${id}-again`), async (_claim, wrote) => ({ status: 201, body: { wrote } }))
      expect(retry).toEqual({ status: 201, body: { wrote: true }, replayed: false })
    })

    it('an answer joined to the effect (from/when/body) is stored only when the effect says so, with its member set from it', async () => {
      const store = createIdempotencyStore(db.pool)
      const answerIf = (write: boolean) => async (claim: { answerRow(res: { status: number; body: unknown }): unknown[] }) => {
        const id = uniqueName('effect')
        const complete = idempotencyComplete(3, {
          from: 'e',
          when: 'e.write',
          body: (param) => `jsonb_set(${param}, '{id}', to_jsonb(e.id))`,
        })
        await db.pool.query(
          `WITH e AS (INSERT INTO effects (id) VALUES ($1) RETURNING id, $2::boolean AS write), k AS (${complete}) SELECT 1`,
          [id, write, ...claim.answerRow({ status: 201, body: { id: 'placeholder' } })],
        )
        return { status: 201, body: { id }, answered: write }
      }
      const yes = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 8 }) }
      const first = await store.run(yes, answerIf(true))
      const { rows } = await db.pool.query('SELECT state, response_body FROM idempotency_keys WHERE key = $1', [yes.key])
      expect(rows).toEqual([{ state: 'completed', response_body: first.body }])
      const no = { scope: 'u', key: uniqueName('k'), fingerprint: fp({ v: 9 }) }
      const second = await store.run(no, answerIf(false))
      // Not answered by the statement, so run() stored the handler's response after it.
      expect(await store.run(no, async () => ({ status: 500, body: {} }))).toEqual({ ...second, replayed: true })
    })
  })
})
