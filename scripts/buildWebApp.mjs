// Builds the web app when the production build is missing or older than its
// sources. Used by `npm start` (scripts/start.ts) and by the e2e global setup;
// `E2E_FORCE_BUILD=1` forces a build.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildServiceWorker } from './buildServiceWorker.mjs'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Built from serviceWorker/ along with the web app, so not a source itself. */
const SERVICE_WORKER = path.join(root, 'public/sw.js')
const SOURCES = ['app', 'components', 'lib', 'serviceWorker', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package.json']

/** The newest modification time under the given paths (unit tests don't count: they aren't built). */
function newestSourceMtime(paths) {
  let newest = 0
  const visit = (file) => {
    if (!existsSync(file)) return
    const stat = statSync(file)
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) visit(path.join(file, entry))
    } else if (!/\.test\.tsx?$/.test(file) && file !== SERVICE_WORKER) {
      newest = Math.max(newest, stat.mtimeMs)
    }
  }
  for (const p of paths) visit(path.join(root, p))
  return newest
}

/** Builds when needed; `say` tells the user why (a first build takes about a minute). */
export function ensureWebAppBuild(say = (message) => console.log(`[build] ${message}`)) {
  const buildId = path.join(root, '.next/BUILD_ID')
  const exists = existsSync(buildId)
  const isStale = !exists || !existsSync(SERVICE_WORKER) || statSync(buildId).mtimeMs < newestSourceMtime(SOURCES)
  if (!isStale && !process.env.E2E_FORCE_BUILD) return
  buildServiceWorker()
  say(exists ? 'sources changed since the last build: rebuilding the web app (next build)…' : 'building the web app (next build, about a minute the first time)…')
  const build = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  })
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`)
}
