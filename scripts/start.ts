/**
 * `npm start` (and `npm run dev` with --dev): runs the whole product on one
 * machine. Builds the web app when no build exists or the sources are newer,
 * then runs the web app on WEB_PORT and the sync server on SYNC_PORT together,
 * their output prefixed. Ctrl-C or SIGTERM stops both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { resolveAuthSecret } from '../lib/node/authSecret'

const root = path.resolve(import.meta.dirname, '..')
const dev = process.argv.includes('--dev')
const env = process.env
const webPort = env.WEB_PORT || '3000'
const syncPort = env.SYNC_PORT || '1234'
const dataDir = path.resolve(root, env.DATA_DIR || 'data')
const nextBin = path.join(root, 'node_modules', '.bin', 'next')

function say(message: string): void {
  console.log(`[start] ${message}`)
}

/** Newest modification time under the web app's sources, to tell a stale build. */
function newestSourceMtime(): number {
  let newest = 0
  const visit = (dir: string) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(full)
      else newest = Math.max(newest, statSync(full).mtimeMs)
    }
  }
  for (const dir of ['app', 'components', 'lib', 'public']) visit(path.join(root, dir))
  for (const file of ['next.config.mjs', 'package-lock.json', 'postcss.config.mjs', 'proxy.ts']) {
    const full = path.join(root, file)
    if (existsSync(full)) newest = Math.max(newest, statSync(full).mtimeMs)
  }
  return newest
}

function ensureBuild(): void {
  const buildId = path.join(root, '.next', 'BUILD_ID')
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceMtime()) return
  say(existsSync(buildId) ? 'sources changed since the last build: rebuilding the web app…' : 'building the web app (first start takes about a minute)…')
  const result = spawnSync(nextBin, ['build'], { cwd: root, stdio: 'inherit', env: { ...env, NEXT_TELEMETRY_DISABLED: '1' } })
  if (result.status !== 0) {
    say('the build failed; see the output above')
    process.exit(result.status ?? 1)
  }
}

/** Runs a child with its output lines prefixed by `name`. */
function run(name: string, command: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => console.log(`[${name}] ${line}`))
  }
  return child
}

const secret = resolveAuthSecret(env.AUTH_SECRET, dataDir)
if (secret.source === 'generated') say(`AUTH_SECRET not set: generated one into ${secret.file}`)
if (!dev) ensureBuild()

const shared = { ...env, DATA_DIR: dataDir, AUTH_SECRET: secret.secret, SYNC_PORT: syncPort, NEXT_TELEMETRY_DISABLED: '1' }
const children = [
  run('sync', process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    ...shared,
    PORT: syncPort,
    // Next listens on every interface; the sync server must be reachable wherever the page is.
    HOST: env.HOST || '0.0.0.0',
  }),
  run('web', nextBin, dev ? ['dev', '-p', webPort] : ['start', '-p', webPort], { ...shared, PORT: webPort }),
]
say(`web app on http://localhost:${webPort}, sync server on port ${syncPort} (Ctrl-C stops both)`)

let stopping = false
function stopAll(exitCode: number): void {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  const force = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  }, 12_000)
  force.unref()
  Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((r) => child.once('exit', r))))).then(() =>
    process.exit(exitCode),
  )
}

process.on('SIGINT', () => stopAll(0))
process.on('SIGTERM', () => stopAll(0))
for (const [index, child] of children.entries()) {
  child.once('exit', (code, signal) => {
    if (stopping) return
    say(`${index === 0 ? 'sync server' : 'web app'} exited (${signal ?? code}); stopping the other`)
    stopAll(code || 1)
  })
}
