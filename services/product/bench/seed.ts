import { randomBytes } from 'node:crypto'
import type { Pool, PoolClient } from '@shop/platform/db'

/**
 * Benchmark data: N products with Korean and English names and descriptions spread over
 * a two-level category tree, generated inside PostgreSQL (generate_series) in chunks so
 * no statement holds too much. Each product gets an inventory row.
 */

const BRANDS = ['삼성', 'LG', 'Sony', '애플', 'Xiaomi', '로지텍', 'Anker', '필립스', 'Bose', '쿠쿠', 'Nike', '아디다스']
const ADJECTIVES = ['무선', 'Wireless', '프리미엄', 'Portable', '초경량', 'Smart', '고급', 'Mini', '방수', 'Pro', '저소음', 'Classic']
const NOUNS = [
  '이어폰', 'Speaker', '키보드', 'Mouse', '충전기', 'Monitor', '노트북', 'Headphones', '스마트워치', 'Tablet',
  '가방', 'Sneakers', '텀블러', 'Backpack', '선풍기', 'Camera', '청소기', 'Blender', '운동화', 'Jacket',
]
const PHRASES = [
  '오래가는 배터리', 'fast charging', '노이즈 캔슬링', 'water resistant', '가벼운 무게', 'premium materials',
  '선물용 포장', 'free shipping', '한정 수량', 'two year warranty', '국내 정품', 'eco friendly',
]
const TOP = ['가전', 'Electronics', '패션', 'Sports', '주방', 'Home', '뷰티', 'Office']
const CHILDREN_PER_TOP = 5

// Names like "Bose Pro이어폰 720" (a third are Korean-style compounds with no space),
// descriptions of two different phrases; prices 1,000..500,000 KRW; stock 0..39.
const INSERT_CHUNK = `
WITH g AS (
  SELECT i, abs(hashint4(i)) AS h1, abs(hashint4(i + 7919)) AS h2, abs(hashint4(i + 104729)) AS h3
  FROM generate_series($1::int, $2::int) AS i
), ins AS (
  INSERT INTO products (sku, name, description, price, category_id, attributes, created_at, updated_at)
  SELECT
    'BENCH-' || $3 || '-' || i,
    b.v || ' ' || a.v || CASE WHEN h2 % 3 = 0 THEN '' ELSE ' ' END || n.v || ' ' || (h3 % 900 + 100)::text,
    p1.v || ', ' || p2.v || '. ' || n.v || ' ' || a.v || ' 모델 ' || (h1 % 97)::text,
    ((h2 % 500) + 1) * 1000,
    ($4::uuid[])[1 + h3 % cardinality($4::uuid[])],
    jsonb_build_object('color', (ARRAY['black', 'white', 'red', 'blue'])[1 + h1 % 4]),
    now() - make_interval(secs => i),
    now() - make_interval(secs => i)
  FROM g
  CROSS JOIN LATERAL (SELECT ($5::text[])[1 + h1 % cardinality($5::text[])] AS v) b
  CROSS JOIN LATERAL (SELECT ($6::text[])[1 + h2 % cardinality($6::text[])] AS v) a
  CROSS JOIN LATERAL (SELECT ($7::text[])[1 + h3 % cardinality($7::text[])] AS v) n
  CROSS JOIN LATERAL (SELECT (h1 / 7) % cardinality($8::text[]) AS k) k1
  CROSS JOIN LATERAL (SELECT ($8::text[])[1 + k1.k] AS v) p1
  -- Another phrase than p1: offset by 1..n-1.
  CROSS JOIN LATERAL (SELECT ($8::text[])[1 + (k1.k + 1 + (h2 / 11) % (cardinality($8::text[]) - 1)) % cardinality($8::text[])] AS v) p2
  RETURNING id, price
)
INSERT INTO inventory (product_id, on_hand) SELECT id, (price / 1000) % 40 FROM ins`

/** The leaf category ids of the benchmark tree, creating it when missing. */
export async function seedCategories(pool: Pool): Promise<string[]> {
  const leaves: string[] = []
  for (const [t, top] of TOP.entries()) {
    const parent = await upsertCategory(pool, top, `bench-${t}`, null)
    for (let c = 0; c < CHILDREN_PER_TOP; c++) leaves.push(await upsertCategory(pool, `${top} ${c + 1}`, `bench-${t}-${c}`, parent))
  }
  return leaves
}

async function upsertCategory(pool: Pool, name: string, slug: string, parentId: string | null): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO categories (name, slug, parent_id) VALUES ($1, $2, $3)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [name, slug, parentId],
  )
  return rows[0].id
}

/**
 * Inserts `count` products (and their inventory) and refreshes planner statistics. For
 * large counts the read-only indexes of products are dropped first and rebuilt after,
 * from their own definitions (so they stay what the migrations say): building an index
 * once is far cheaper than maintaining it row by row. Use it on a database no running
 * service reads yet.
 */
export async function seedProducts(
  pool: Pool,
  count: number,
  opts: { chunk?: number; rebuildIndexes?: boolean } = {},
): Promise<{ ms: number }> {
  const started = Date.now()
  const leaves = await seedCategories(pool)
  const chunk = opts.chunk ?? 50_000
  const run = randomBytes(4).toString('hex')
  const client = await pool.connect()
  try {
    // Index builds over a million rows outlast the pool's statement timeout.
    await client.query('SET statement_timeout = 0')
    const indexes = (opts.rebuildIndexes ?? count >= 100_000) ? await dropReadIndexes(client) : []
    try {
      for (let from = 0; from < count; from += chunk) {
        const to = Math.min(count, from + chunk) - 1
        await client.query(INSERT_CHUNK, [from, to, run, leaves, BRANDS, ADJECTIVES, NOUNS, PHRASES])
      }
    } finally {
      if (indexes.length) {
        await client.query("SET maintenance_work_mem = '512MB'")
        for (const def of indexes) await client.query(def)
        await client.query('RESET maintenance_work_mem')
      }
    }
    await client.query('ANALYZE categories, products, inventory')
  } finally {
    await client.query('RESET statement_timeout').catch(() => {})
    client.release()
  }
  return { ms: Date.now() - started }
}

/** Drops the products indexes that only serve reads (not the primary key, not unique ones); returns their definitions. */
async function dropReadIndexes(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i WHERE i.indrelid = 'products'::regclass AND NOT i.indisprimary AND NOT i.indisunique`,
  )
  for (const r of rows) await client.query(`DROP INDEX ${r.name}`)
  return rows.map((r) => r.def)
}
