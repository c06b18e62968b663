import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { fetchMergedDocument, generateTypes } from './merged-doc.ts'

// Regenerates src/schema.ts from a freshly started shop's /v1/openapi.json.
const doc = await fetchMergedDocument()
const out = fileURLToPath(new URL('../src/schema.ts', import.meta.url))
await writeFile(out, await generateTypes(doc))
console.log(`wrote ${out} (${Object.keys(doc.paths as object).length} paths)`)
