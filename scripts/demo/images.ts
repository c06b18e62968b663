import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEMO_PRODUCTS, type DemoProduct, demoCategory } from './catalogue.ts'
import { ICONS, type Palette } from './icons.ts'

// The demo products' images, drawn here rather than downloaded: one flat SVG per
// product, a soft gradient in its category's colour, a drawing of its kind and its
// short name. `npm run demo:images` writes them into apps/web/public/demo (served at
// /demo/<sku>.svg); the committed files are checked against a fresh drawing by a test.

export const DEMO_IMAGE_DIR = fileURLToPath(new URL('../../apps/web/public/demo/', import.meta.url))

const FONT = "'Pretendard', 'Apple SD Gothic Neo', 'Noto Sans KR', 'Malgun Gothic', sans-serif"

function channels(hex: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
}

/** `hex` moved towards `to` by the share `t` (0 = hex, 1 = to). */
function mix(hex: string, to: string, t: number): string {
  const a = channels(hex)
  const b = channels(to)
  return `#${a.map((v, i) => Math.round(v + (b[i] - v) * t).toString(16).padStart(2, '0')).join('')}`
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** The SVG document of one product's image. */
export function renderDemoImage(product: DemoProduct): string {
  const colour = demoCategory(product.category).colour
  const palette: Palette = { ink: mix(colour, '#000000', 0.35), paper: '#ffffff', tint: mix(colour, '#ffffff', 0.62) }
  const id = product.sku.toLowerCase()
  const size = [...product.label].length > 8 ? 26 : 30
  const brand = product.attributes['브랜드']
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-labelledby="${id}-t">`,
    `<title id="${id}-t">${escapeXml(product.name)}</title>`,
    `<defs><linearGradient id="${id}-g" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0" stop-color="${mix(colour, '#ffffff', 0.88)}"/><stop offset="1" stop-color="${mix(colour, '#ffffff', 0.6)}"/>` +
      `</linearGradient></defs>`,
    `<rect width="400" height="400" fill="url(#${id}-g)"/>`,
    `<circle cx="200" cy="168" r="118" fill="#ffffff" fill-opacity="0.5"/>`,
    `<g transform="translate(200 168)" stroke="${palette.ink}" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">${ICONS[product.icon](palette)}</g>`,
    `<text x="200" y="${brand ? 334 : 346}" text-anchor="middle" font-family="${FONT}" font-size="${size}" font-weight="700" fill="${palette.ink}">${escapeXml(product.label)}</text>`,
    ...(brand
      ? [`<text x="200" y="368" text-anchor="middle" font-family="${FONT}" font-size="17" fill="${palette.ink}" fill-opacity="0.75">${escapeXml(brand)}</text>`]
      : []),
    '</svg>',
    '',
  ].join('\n')
}

export const demoImageFile = (sku: string): string => `${sku}.svg`

/** Writes every product's image into `dir` and removes SVGs there that no product has any more. */
export async function writeDemoImages(dir = DEMO_IMAGE_DIR): Promise<number> {
  await mkdir(dir, { recursive: true })
  const wanted = new Set(DEMO_PRODUCTS.map((p) => demoImageFile(p.sku)))
  for (const file of await readdir(dir)) if (file.endsWith('.svg') && !wanted.has(file)) await rm(join(dir, file))
  for (const p of DEMO_PRODUCTS) await writeFile(join(dir, demoImageFile(p.sku)), renderDemoImage(p))
  return wanted.size
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = await writeDemoImages()
  process.stdout.write(`wrote ${n} images into ${DEMO_IMAGE_DIR}\n`)
}
