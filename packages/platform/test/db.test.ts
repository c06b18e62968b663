import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool, literal, prepared, withTransactionFrom } from '../src/db.ts'
import { createTestDatabase, type TestDatabase } from '../src/testing.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'db', withPlatform: false })
  await db.pool.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)')
})

afterAll(async () => {
  await db?.drop()
})

describe('prepared statements', () => {
  it('one text is one name; another text another name', () => {
    const a = prepared('SELECT $1::int AS n')
    const b = prepared('SELECT $1::int + 1 AS n')
    expect(a([1]).name).toBe(prepared('SELECT $1::int AS n')([2]).name)
    expect(a([1]).name).not.toBe(b([1]).name)
  })

  it('runs again and again on the same connection, PostgreSQL keeping it prepared', async () => {
    const pool = createPool(db.url, { max: 1 })
    try {
      const add = prepared('SELECT $1::int + $2::int AS n')
      for (let i = 0; i < 7; i++) expect((await pool.query<{ n: number }>(add([i, 1]))).rows).toEqual([{ n: i + 1 }])
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + $2::int%'")
      expect(rows).toEqual([{ n: 1 }])
    } finally {
      await pool.end()
    }
  })
})

describe('withTransactionFrom', () => {
  it('commits the first statement with what fn does, and hands fn its result', async () => {
    const got = await withTransactionFrom(db.pool, `INSERT INTO notes (id, body) VALUES (1, ${literal("it's")}) RETURNING body`, async (client, first) => {
      await client.query('INSERT INTO notes (id, body) VALUES (2, $1)', ['two'])
      return first.rows
    })
    expect(got).toEqual([{ body: "it's" }])
    expect((await db.pool.query('SELECT id FROM notes ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('rolls back the first statement too when fn throws', async () => {
    await expect(
      withTransactionFrom(db.pool, `INSERT INTO notes (id, body) VALUES (3, ${literal('three')})`, async () => {
        throw new Error('no')
      }),
    ).rejects.toThrow('no')
    expect((await db.pool.query('SELECT count(*)::int AS n FROM notes WHERE id = 3')).rows).toEqual([{ n: 0 }])
  })

  it('literal() keeps quotes and backslashes as data', async () => {
    const nasty = `a'b\\c'); DROP TABLE notes; --`
    await withTransactionFrom(db.pool, `INSERT INTO notes (id, body) VALUES (4, ${literal(nasty)})`, async () => {})
    expect((await db.pool.query('SELECT body FROM notes WHERE id = 4')).rows).toEqual([{ body: nasty }])
  })
})
