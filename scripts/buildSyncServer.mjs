// Compiles the sync server to plain JavaScript: server/main.ts and
// server/migrate.ts become dist/server/main.js and dist/server/migrate.js
// (START-20). Production runs these with plain `node`, so no TypeScript
// loader (tsx) sits in the server's memory or on its start path; `tsx` stays
// for development and the unit tests.
//
// Packages stay external (node_modules is resolved at run time, as before);
// only the repository's own code is bundled. Code splitting keeps the
// dynamically imported PostgreSQL and Redis modules in chunks of their own,
// so a SQLite-only server still never loads `pg` or `ioredis`.
//
//   node scripts/buildSyncServer.mjs            build now
//   node scripts/buildSyncServer.mjs --if-stale build only when missing or older than its sources
//
// Used by `npm run build`, `npm run server`, `npm start`, the test harnesses
// and the benchmark (ensureSyncServerBuild).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import esbuild from 'esbuild'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SYNC_SERVER_DIST = path.join(root, 'dist/server')
/** The compiled entry point production runs: `node --max-semi-space-size=4 dist/server/main.js`. */
export const SYNC_SERVER_MAIN = path.join(SYNC_SERVER_DIST, 'main.js')
/**
 * The Node flags every production command puts before dist/server/main.js
 * (START-22; the Dockerfile, compose, systemd, package.json and README spell
 * them out, and server/test/compiledBuild.test.ts checks they agree).
 * V8 lets the young generation grow to 16 MiB semi-spaces (up to 48 MiB
 * resident) under a burst of small allocations, such as a replay of edits, and
 * keeps it; 4 MiB semi-spaces cut the server's RSS after a burst by about
 * 20 MB at no CPU cost we could measure (bench B and D).
 * Source maps are written but not enabled by default: --enable-source-maps
 * costs about 4 MB of RSS; add it (or NODE_OPTIONS=--enable-source-maps) for
 * stack traces in server/*.ts terms. The bundle is not minified, so traces
 * into dist/server/main.js stay readable without it.
 */
export const SYNC_SERVER_NODE_FLAGS = ['--max-semi-space-size=4']
const ENTRY_POINTS = ['server/main.ts', 'server/migrate.ts']
/** Written last, so its presence says the build is complete. */
const STAMP = path.join(SYNC_SERVER_DIST, 'BUILD_STAMP')
/** What the bundle is made of; tests and the scale-out harness are not part of it, but excluding them exactly isn't worth the risk of a stale build. */
const SOURCES = ['server', 'lib', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/buildSyncServer.mjs']

function newestSourceMtime() {
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
  for (const source of SOURCES) visit(path.join(root, source))
  return newest
}

/** True when dist/server is missing, incomplete, or older than a source file. */
export function isSyncServerBuildStale() {
  if (!existsSync(STAMP) || !existsSync(SYNC_SERVER_MAIN)) return true
  return statSync(STAMP).mtimeMs < newestSourceMtime()
}

/**
 * Builds into a fresh directory beside dist/server and swaps it in, so a
 * server starting during a rebuild (another test run in the same checkout)
 * sees the old build or the new one, never half of each.
 */
export function buildSyncServer() {
  const staging = path.join(root, 'dist', `.server-${process.pid}-${Date.now()}`)
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir: staging,
    outbase: 'server',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    chunkNames: 'chunks/[name]-[hash]',
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
  })
  if (result.errors.length > 0) throw new Error('esbuild failed')
  writeFileSync(path.join(staging, 'BUILD_STAMP'), `${new Date().toISOString()}\n`)
  const old = path.join(root, 'dist', `.old-server-${process.pid}-${Date.now()}`)
  try {
    renameSync(SYNC_SERVER_DIST, old)
  } catch (error) {
    if (error.code !== 'ENOENT') throw error // none yet, or another build just moved it
  }
  try {
    renameSync(staging, SYNC_SERVER_DIST)
  } catch (error) {
    // Another process swapped its build in first: the same sources, so the same build.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error
    rmSync(staging, { recursive: true, force: true })
  }
  rmSync(old, { recursive: true, force: true })
}

/** Builds when needed; `say` tells the user why. Returns true if it built. */
export function ensureSyncServerBuild(say = (message) => console.log(`[build] ${message}`)) {
  if (!isSyncServerBuildStale()) return false
  say(existsSync(STAMP) ? 'sync server sources changed: recompiling dist/server…' : 'compiling the sync server to dist/server…')
  mkdirSync(path.join(root, 'dist'), { recursive: true })
  buildSyncServer()
  return true
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale')
  try {
    if (ifStale) ensureSyncServerBuild((message) => console.error(`[build] ${message}`))
    else buildSyncServer()
  } catch (error) {
    console.error(`[build] the sync server did not compile: ${error.message}`)
    process.exit(1)
  }
}
