import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Helpers of the ops suite: throwaway directories, processes stopped by PID, templates. */

export const ROOT = new URL('../..', import.meta.url).pathname

/** A fresh directory under /tmp, removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Replaces `${NAME}` for the given names only (nginx's own `$vars` stay), as envsubst with a list does. */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (whole, name: string) => (name in vars ? vars[name] : whole))
}

export function waitForPort(port: number, host = '127.0.0.1', proc?: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (proc && proc.exitCode !== null) return reject(new Error(`process exited with ${proc.exitCode} before port ${port} opened`))
      const sock = connect({ host, port })
      sock.once('connect', () => {
        sock.destroy()
        resolve()
      })
      sock.once('error', () => {
        sock.destroy()
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`))
        else setTimeout(attempt, 100)
      })
    }
    attempt()
  })
}

/** A child process with its output kept for a failing test's message, stopped by its PID. */
export interface Daemon {
  proc: ChildProcess
  output(): string
  stop(signal?: NodeJS.Signals): Promise<void>
}

export function startDaemon(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}): Daemon {
  const proc = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], uid: opts.uid, gid: opts.gid })
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString())
    if (lines.length > 500) lines.splice(0, lines.length - 500)
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  return {
    proc,
    output: () => lines.join(''),
    stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve()
      return new Promise((resolve) => {
        const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000)
        proc.once('exit', () => {
          clearTimeout(kill)
          resolve()
        })
        proc.kill(signal)
      })
    },
  }
}

/** A self-signed certificate for localhost and 127.0.0.1, valid one day. */
export function selfSignedCert(dir: string): { cert: string; key: string; pem: string } {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' })
  return { cert, key, pem: readFileSync(cert, 'utf8') }
}

/**
 * Debian's nginx with deploy/nginx/edge.conf.template rendered into a throwaway prefix
 * (its own pid file, logs and temp dirs), in the foreground so that it stops by its PID.
 */
export async function startEdge(vars: { gateway: string; httpPort: number; httpsPort: number; cert: string; key: string }): Promise<Daemon & { dir: string }> {
  const dir = tempDir('ops-nginx')
  for (const d of ['logs', 'conf', 'tmp']) mkdirSync(join(dir.path, d))
  // Workers run as nobody: they write request bodies to tmp.
  chmodSync(dir.path, 0o755)
  chmodSync(join(dir.path, 'tmp'), 0o777)
  const edge = renderTemplate(readFileSync(join(ROOT, 'deploy/nginx/edge.conf.template'), 'utf8'), {
    SHOP_GATEWAY: vars.gateway,
    SHOP_HTTP_PORT: String(vars.httpPort),
    SHOP_HTTPS_PORT: String(vars.httpsPort),
    SHOP_HTTPS_REDIRECT: `:${vars.httpsPort}`,
    SHOP_TLS_CERT: vars.cert,
    SHOP_TLS_KEY: vars.key,
  })
  writeFileSync(join(dir.path, 'conf/edge.conf'), edge)
  const t = join(dir.path, 'tmp')
  writeFileSync(
    join(dir.path, 'conf/nginx.conf'),
    `worker_processes 1;
pid ${join(dir.path, 'nginx.pid')};
error_log ${join(dir.path, 'logs/error.log')} warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log ${join(dir.path, 'logs/access.log')};
  client_body_temp_path ${t}/body;
  proxy_temp_path ${t}/proxy;
  fastcgi_temp_path ${t}/fastcgi;
  uwsgi_temp_path ${t}/uwsgi;
  scgi_temp_path ${t}/scgi;
  include ${join(dir.path, 'conf/edge.conf')};
}
`,
  )
  const conf = join(dir.path, 'conf/nginx.conf')
  execFileSync('nginx', ['-t', '-q', '-p', dir.path, '-c', conf], { stdio: 'pipe' })
  const daemon = startDaemon('nginx', ['-p', dir.path, '-c', conf, '-g', 'daemon off;'])
  await waitForPort(vars.httpsPort, '127.0.0.1', daemon.proc)
  return {
    ...daemon,
    dir: dir.path,
    async stop() {
      // SIGQUIT: finish the requests in flight, then exit.
      await daemon.stop('SIGQUIT')
      dir.remove()
    },
  }
}
