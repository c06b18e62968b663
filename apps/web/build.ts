import { fileURLToPath } from 'node:url'
import { ensureWebBuild } from '../../scripts/web-build.ts'

// `npm run build -w @shop/web`: builds the web app when its sources changed since the last build.
const dir = await ensureWebBuild({ log: (line) => console.log(line), force: process.argv.includes('--force') })
console.log(`web app in ${fileURLToPath(new URL(`file://${dir}`))}`)
