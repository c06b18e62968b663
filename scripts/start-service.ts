import { PROCESSES, type ProcessName, type Runtime } from '@shop/platform/runtime'
import { runStandalone } from '@shop/platform/standalone'
import { ensureWebBuild } from './web-build.ts'

// `npm run start:service -- <name>`: one service alone, as a container runs it.
const name = process.argv[2] as ProcessName
if (!PROCESSES.includes(name)) {
  process.stderr.write(`usage: npm run start:service -- <${PROCESSES.join('|')}>\n`)
  process.exit(2)
}
// The gateway serves the web app: build it when its sources changed (a container's image has it built).
if (name === 'gateway') {
  // A read-only image cannot build: it serves the build it was made with (or the API alone, and says so).
  await ensureWebBuild({ log: (line) => process.stdout.write(`${line}\n`) }).catch((err: Error) =>
    process.stderr.write(`web app not built (${err.message}); serving what apps/web/dist holds\n`),
  )
}
const mod = (await import(`@shop/${name}/main`)) as { start(rt: Runtime): Promise<unknown> }
await runStandalone(name, mod.start)
