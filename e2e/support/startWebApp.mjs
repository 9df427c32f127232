// Playwright's webServer command for the web app: builds when the production
// build is missing or older than the sources, then runs `next start` in the
// foreground (Playwright stops it when the run ends).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const nextBin = path.join(root, 'node_modules/.bin/next')
const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package.json']

/** The newest modification time under the given paths (test files don't count: they aren't built). */
function newestSourceMtime(paths) {
  let newest = 0
  const visit = (file) => {
    if (!existsSync(file)) return
    const stat = statSync(file)
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) visit(path.join(file, entry))
    } else if (!/\.test\.tsx?$/.test(file)) {
      newest = Math.max(newest, stat.mtimeMs)
    }
  }
  for (const p of paths) visit(path.join(root, p))
  return newest
}

const buildId = path.join(root, '.next/BUILD_ID')
const isStale = !existsSync(buildId) || statSync(buildId).mtimeMs < newestSourceMtime(SOURCES)
if (isStale || process.env.E2E_FORCE_BUILD) {
  console.log('[e2e] building the web app (next build)…')
  const build = spawnSync(nextBin, ['build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const port = process.env.WEB_PORT ?? '3000'
const server = spawn(nextBin, ['start', '-H', '127.0.0.1', '-p', port], { cwd: root, stdio: 'inherit', env: process.env })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => process.exit(code ?? 0))
