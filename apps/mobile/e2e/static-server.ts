import { readFile, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize } from 'node:path'

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.ico': 'image/x-icon', '.svg': 'image/svg+xml', '.ttf': 'font/ttf' }

/**
 * Serves a web build as any static host would: files as they are, every other path the
 * app's index.html (a single-page app), which names the shop it talks to in a meta tag.
 */
export async function serveStatic(dir: string, apiUrl: () => string): Promise<{ url: string; close: () => Promise<void> }> {
  const index = await readFile(join(dir, 'index.html'), 'utf8')
  const server: Server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dir, path)
    const s = file.startsWith(dir) ? await stat(file).catch(() => null) : null
    if (s?.isFile() && !path.endsWith('index.html')) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' })
      res.end(await readFile(file))
      return
    }
    res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-cache' })
    res.end(index.replace('<head>', `<head><meta name="shop-api-url" content="${apiUrl()}">`))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) }
}
