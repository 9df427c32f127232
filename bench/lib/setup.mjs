/**
 * Makes sure the peers can start: Hocuspocus lives in its own small package
 * (bench/hocuspocus) and is installed on first use with npm ci from its own
 * lockfile; everything else comes from the root's npm ci.
 */
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { REPO_ROOT } from './servers.mjs'

export function ensurePeersInstalled() {
  for (const dep of ['better-sqlite3', 'y-websocket-v2', 'y-leveldb', 'ws', 'yjs']) {
    if (!existsSync(path.join(REPO_ROOT, 'node_modules', dep))) {
      throw new Error(`node_modules/${dep} is missing: run npm ci at the repository root first`)
    }
  }
  const dir = path.join(REPO_ROOT, 'bench/hocuspocus')
  if (existsSync(path.join(dir, 'node_modules/@hocuspocus/server/package.json'))) return
  console.log('bench: installing Hocuspocus into bench/hocuspocus (npm ci, its own lockfile) …')
  // cwd = that package, so its own .npmrc applies. Under `npm run`, the root's
  // settings reach us as npm_config_* variables (engine-strict among them), so
  // drop those and say the two that matter on the command line too.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)))
  const args = ['ci', '--engine-strict=false', '--ignore-scripts', '--no-audit', '--no-fund']
  const result = spawnSync('npm', args, { cwd: dir, env, stdio: 'inherit', timeout: 300_000 })
  if (result.status !== 0) throw new Error('npm ci in bench/hocuspocus failed')
}
