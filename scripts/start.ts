/**
 * `npm start` (and `npm run dev` with --dev): runs the whole product on one
 * machine. Builds the web app and compiles the sync server when no build
 * exists or the sources are newer (scripts/buildWebApp.mjs and
 * scripts/buildSyncServer.mjs, shared with the e2e setup), then runs the web
 * app on WEB_PORT and the sync server on SYNC_PORT together, their output
 * prefixed. Ctrl-C or SIGTERM stops both. With --dev the sync server runs
 * from its TypeScript sources through tsx instead (START-21).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { resolveAuthSecret } from '../lib/node/authSecret'
import { SYNC_SERVER_MAIN, SYNC_SERVER_NODE_FLAGS, ensureSyncServerBuild } from './buildSyncServer.mjs'
import { ensureWebAppBuild } from './buildWebApp.mjs'

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

/** Runs a child with its output lines prefixed by `name`. */
function run(name: string, command: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => console.log(`[${name}] ${line}`))
  }
  return child
}

let secret: ReturnType<typeof resolveAuthSecret>
try {
  secret = resolveAuthSecret(env.AUTH_SECRET, dataDir)
} catch (error) {
  // A secret too short to sign with (lib/node/authSecret.ts): neither process may start with it.
  say((error as Error).message)
  process.exit(2)
}
if (secret.source === 'generated') say(`AUTH_SECRET not set: generated one into ${secret.file}`)
if (!dev) {
  try {
    ensureSyncServerBuild(say)
    ensureWebAppBuild(say)
  } catch (error) {
    say(`${(error as Error).message}; see the output above`)
    process.exit(1)
  }
}

const shared = { ...env, DATA_DIR: dataDir, AUTH_SECRET: secret.secret, SYNC_PORT: syncPort, NEXT_TELEMETRY_DISABLED: '1' }
const children = [
  run('sync', process.execPath, dev ? ['--import', 'tsx', 'server/main.ts'] : [...SYNC_SERVER_NODE_FLAGS, SYNC_SERVER_MAIN], {
    ...shared,
    PORT: syncPort,
    // Next listens on every interface; the sync server must be reachable wherever the page is.
    HOST: env.HOST || '0.0.0.0',
    // Stored edits feed the web app's live "last edited" (docs/sync-protocol.md, "Edit reports").
    EDIT_WEBHOOK_URL: env.EDIT_WEBHOOK_URL || `http://127.0.0.1:${webPort}/api/internal/document-edited`,
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
