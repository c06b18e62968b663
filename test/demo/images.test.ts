import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEMO_PRODUCTS } from '../../scripts/demo/catalogue.ts'
import { DEMO_IMAGE_DIR, demoImageFile, renderDemoImage } from '../../scripts/demo/images.ts'

// The demo images are committed (apps/web/public/demo, served at /demo/<sku>.svg) and
// drawn by scripts/demo/images.ts: the committed files must be what it draws now, so a
// change to the catalogue or the drawing that was not regenerated fails here.

/** The problems of an XML document's tag structure: unbalanced, crossed or unclosed tags, a stray '<' or '&'. */
function xmlProblems(doc: string): string[] {
  const problems: string[] = []
  const open: string[] = []
  const text = doc.replace(/<\?xml[^>]*\?>/, '')
  for (const m of text.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g)) {
    if (m[2] === undefined) {
      problems.push(`stray ${m[0]} at ${m.index}`)
      continue
    }
    const [, closing, name, , selfClosing] = m
    if (closing) {
      const top = open.pop()
      if (top !== name) problems.push(`</${name}> closes <${top}> at ${m.index}`)
    } else if (!selfClosing) {
      open.push(name)
    }
  }
  if (open.length) problems.push(`unclosed ${open.join(', ')}`)
  return problems
}

describe('the demo images', () => {
  it('are exactly the committed files: one per product, as images.ts draws them now', async () => {
    const files = (await readdir(DEMO_IMAGE_DIR)).filter((f) => f.endsWith('.svg')).sort()
    expect(files).toEqual(DEMO_PRODUCTS.map((p) => demoImageFile(p.sku)).sort())
    for (const p of DEMO_PRODUCTS) {
      const committed = await readFile(join(DEMO_IMAGE_DIR, demoImageFile(p.sku)), 'utf8')
      expect(committed, `${p.sku}: run npm run demo:images`).toBe(renderDemoImage(p))
    }
  })

  it('are small, well-formed SVG with role="img" and the product name as their title', () => {
    for (const p of DEMO_PRODUCTS) {
      const svg = renderDemoImage(p)
      expect(Buffer.byteLength(svg), p.sku).toBeLessThan(10 * 1024)
      expect(svg, p.sku).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/)
      expect(svg, p.sku).toContain(`<title id="${p.sku.toLowerCase()}-t">${p.name}</title>`)
      expect(svg, p.sku).toContain(`>${p.label}</text>`)
      expect(xmlProblems(svg), p.sku).toEqual([])
    }
  })

  it('escape text that would break the markup', () => {
    const svg = renderDemoImage({ ...DEMO_PRODUCTS[0], name: 'A & B <특가>', label: '"따옴표" & <꺾쇠>' })
    expect(svg).toContain('<title id="demo-aud-001-t">A &amp; B &lt;특가&gt;</title>')
    expect(svg).toContain('&quot;따옴표&quot; &amp; &lt;꺾쇠&gt;</text>')
    expect(xmlProblems(svg)).toEqual([])
  })

  it('are told apart from broken markup by the structure check', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([])
    expect(xmlProblems('<svg><text>a < b</text></svg>')).not.toEqual([])
    expect(xmlProblems('<svg><text>a & b</text></svg>')).not.toEqual([])
    expect(xmlProblems('<svg><rect x="1"/></svg>')).toEqual([])
  })
})
