import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { fetchMergedDocument, generateTypes } from '../scripts/merged-doc.ts'

describe('the committed API types', () => {
  it('are what a fresh generation from the running shop gives (run `npm run generate -w @shop/client` after an API change)', async () => {
    const committed = await readFile(new URL('../src/schema.ts', import.meta.url), 'utf8')
    const fresh = await generateTypes(await fetchMergedDocument())
    expect(fresh === committed, 'packages/client/src/schema.ts is stale: run `npm run generate -w @shop/client`').toBe(true)
  }, 120_000)
})
