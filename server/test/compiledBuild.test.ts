/**
 * The compiled sync server (scripts/buildSyncServer.mjs): built on demand in a
 * fresh checkout, rebuilt when a source changes, started by `npm run server`
 * from the build, and free of the modules only some configurations need.
 */
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, utimesSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { SYNC_SERVER_NODE_FLAGS } from '../../scripts/buildSyncServer.mjs'
import { composeService } from '../../testkit/deployment'
import { REPO_ROOT, docId, eventually, spawnServer, syncedClient, tempDir } from './harness'

vi.setConfig({ testTimeout: 120_000 })

/** The files the build reads, copied into a new directory that has never been built (node_modules linked). */
function freshCheckout(): string {
  const dir = tempDir('tandem-fresh-')
  for (const entry of ['server', 'lib', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true })
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  return dir
}

/** `node scripts/buildSyncServer.mjs --if-stale` in `dir`; returns what it said (stderr). */
function buildIfStale(dir: string): string {
  const run = spawnSync(process.execPath, ['scripts/buildSyncServer.mjs', '--if-stale'], { cwd: dir, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`the build failed: ${run.stderr}`)
  return run.stderr
}

/** Every package a compiled file imports statically, following its relative imports (the chunks). */
function staticPackages(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>()
  if (seen.has(file)) return packages
  seen.add(file)
  const source = readFileSync(file, 'utf8')
  // Static imports only: `import … from "x"` and bare `import "x"`; `import("x")` is lazy by design.
  for (const match of source.matchAll(/^import\s(?:[^'"]*?\sfrom\s)?["']([^"']+)["'];?$/gm)) {
    const specifier = match[1]
    if (specifier.startsWith('.')) {
      for (const name of staticPackages(path.resolve(path.dirname(file), specifier), seen)) packages.add(name)
    } else {
      packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0])
    }
  }
  return packages
}

describe('the compiled sync server', () => {
  // proves: START-20
  it('npm run server in a checkout that was never built compiles dist/server, then starts a working server from it', async () => {
    const dir = freshCheckout()
    expect(existsSync(path.join(dir, 'dist/server/main.js'))).toBe(false)
    const server = await spawnServer({ viaNpm: true, cwd: dir })
    expect(existsSync(path.join(dir, 'dist/server/main.js'))).toBe(true)
    expect(server.stderr.join('\n')).toContain('compiling the sync server')
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('text').insert(0, 'served from dist/server')
    await eventually(() => expect(b.text()).toBe('served from dist/server'))
    server.kill('SIGTERM')
    await server.exited
  })

  // proves: START-20
  it('recompiles only when a source is newer than the build', () => {
    const dir = freshCheckout()
    expect(buildIfStale(dir)).toContain('compiling the sync server')
    const stamp = path.join(dir, 'dist/server/BUILD_STAMP')
    const built = readFileSync(stamp, 'utf8')
    expect(buildIfStale(dir), 'an up-to-date build is left alone').toBe('')
    expect(readFileSync(stamp, 'utf8')).toBe(built)
    const later = new Date(Date.now() + 60_000)
    utimesSync(path.join(dir, 'server/config.ts'), later, later)
    expect(buildIfStale(dir)).toContain('sync server sources changed')
    expect(readFileSync(stamp, 'utf8'), 'a changed source is recompiled').not.toBe(built)
  })

  // proves: START-21
  it('loads neither pg, ioredis nor a TypeScript loader until the configuration asks for PostgreSQL or Redis', () => {
    const main = path.join(REPO_ROOT, 'dist/server/main.js')
    const eager = staticPackages(main)
    expect(eager).toContain('yjs')
    expect(eager).toContain('better-sqlite3')
    for (const lazy of ['pg', 'ioredis', 'tsx']) expect(eager, lazy).not.toContain(lazy)
    // …and the lazy ones are really there, in chunks of their own.
    const mainSource = readFileSync(main, 'utf8')
    const chunks = [...mainSource.matchAll(/import\("(\.\/chunks\/[^"]+)"\)/g)].map((m) => path.resolve(path.dirname(main), m[1]))
    const lazyPackages = new Set(chunks.flatMap((chunk) => [...staticPackages(chunk)]))
    expect(lazyPackages).toContain('pg')
    expect(lazyPackages).toContain('ioredis')
  })

  it('is plain ASCII, so V8 keeps each module\'s source at one byte a character', () => {
    // V8 holds on to a module's source text; one non-ASCII character (say, a "…" in a comment esbuild keeps) makes it two bytes a character.
    const dir = path.join(REPO_ROOT, 'dist/server')
    const files = [path.join(dir, 'main.js'), path.join(dir, 'migrate.js'), ...readdirSync(path.join(dir, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, 'chunks', f))]
    for (const file of files) expect(/[^\x00-\x7f]/.exec(readFileSync(file, 'utf8'))?.[0], path.relative(REPO_ROOT, file)).toBeUndefined()
  })

  // proves: START-22
  it('every production command runs dist/server/main.js with the same Node flags', () => {
    const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8')
    const expected = ['node', ...SYNC_SERVER_NODE_FLAGS, 'dist/server/main.js']
    const dockerCmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))
    expect(JSON.parse(dockerCmd![1]), 'Dockerfile CMD').toEqual(expected)
    const vars = { AUTH_SECRET: 'x', POSTGRES_PASSWORD: 'x' }
    expect(composeService('sync-1', vars).command, 'compose').toEqual(expected)
    const execStart = /^ExecStart=(.*)$/m.exec(read('deploy/systemd/tandem-sync@.service'))
    expect(execStart![1].split(' '), 'systemd').toEqual(['/usr/bin/node', ...expected.slice(1)])
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>
    expect(scripts.server.endsWith(`&& ${expected.join(' ')}`), 'npm run server').toBe(true)
    expect(read('README.md')).toContain(expected.join(' '))
    expect(read('docs/sync-protocol.md')).toContain(`\`${expected.join(' ')}\``)
  })
})
