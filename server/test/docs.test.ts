/**
 * docs/sync-protocol.md and the README, checked against the server itself
 * wherever a machine can check them: the spec's tables are complete and true
 * (every variable with the default the server really applies, every close
 * code, every HTTP status, every metric, the fixed limits), and the commands
 * the README quotes really start a working server. Prose is not compared.
 */
import { describe, expect, it, vi } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { CloseCode } from '../../lib/closeCodes'
import { readConfig } from '../config'
import { MIN_AUTH_SECRET_BYTES } from '../../lib/node/authSecret'
import { MAX_CLOCK_SKEW_SECONDS } from '../../lib/token'
import { MAX_RELEASED_IDS, RELEASED_TTL_MS } from '../AwarenessStore'
import { DEFAULT_LIMITS } from '../options'
import { MAX_REBUILD_BACKLOG_BYTES } from '../room/DocumentRebuild'
import { REPO_ROOT, api, docId, eventually, parseMetrics, spawnServer, startTestServer, syncedClient } from './harness'
import { readSpec, ruleDefinitions, tableUnder } from './support/spec'

// These start real server processes; on a loaded 2-core machine each start can take seconds.
vi.setConfig({ testTimeout: 120_000 })

const README = () => readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')

/** The text of one rule of the spec (its list item, joined into one line). */
function ruleText(id: string): string {
  const lines = readSpec().split('\n')
  const rule = ruleDefinitions().find((r) => r.id === id)
  if (!rule) throw new Error(`the spec has no ${id}`)
  const item = [lines[rule.line - 1]]
  for (const line of lines.slice(rule.line)) {
    if (!/^\s{2,}\S/.test(line)) break
    item.push(line.trim())
  }
  return item.join(' ')
}

/** Every variable server/config.ts reads: the keys of its zod schema. */
function configVariables(): string[] {
  const source = readFileSync(path.join(REPO_ROOT, 'server/config.ts'), 'utf8')
  const schema = /z\.object\(\{([\s\S]*?)\n\}\)/.exec(source)
  if (!schema) throw new Error('server/config.ts has no z.object({ … }) schema to read the variables from')
  return [...schema[1].matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1])
}

/** The server's own sources (not its tests or test support). */
function serverSources(dir = path.join(REPO_ROOT, 'server')): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!['test', 'scaleout', 'support'].includes(entry.name)) files.push(...serverSources(full))
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && entry.name !== 'contract.ts') {
      files.push(full)
    }
  }
  return files
}

/**
 * Every HTTP status written in the server's sources where a response is made:
 * on lines that build an error, send JSON, write a head, refuse an upgrade or
 * set a status (comments left out).
 */
function statusesInServerSources(): Set<number> {
  const found = new Set<number>()
  const responding = /\b(HttpError|sendJson|writeHead|refuseUpgrade|statusCode|status)\b/
  for (const file of serverSources()) {
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      if (/^\s*(\*|\/\*|\/\/)/.test(raw)) continue
      const line = raw.replace(/\/\/.*$/, '')
      if (!responding.test(line)) continue
      for (const m of line.matchAll(/\b([1-5]\d\d)\b/g)) found.add(Number(m[1]))
    }
  }
  return found
}

describe('the spec against the server', () => {
  // proves: CONFIG-1
  it('the configuration table names every variable server/config.ts reads, each with the default the server applies', () => {
    const rows = tableUnder(readSpec(), /^## Configuration\s*$/)
    const table = new Map(rows.map(([variable, fallback]) => [variable.replace(/`/g, ''), fallback]))
    const variables = configVariables()
    expect(variables.length).toBeGreaterThanOrEqual(12)
    expect([...table.keys()].sort()).toEqual([...variables].sort())
    const defaults = readConfig({} as NodeJS.ProcessEnv) as Record<string, unknown>
    for (const variable of variables) {
      const value = defaults[variable]
      if (value === undefined) expect(table.get(variable), variable).toMatch(/^unset\b/)
      else expect(table.get(variable), variable).toBe(`\`${String(value)}\``)
    }
  })

  // proves: CLOSE-1
  it('the close-code table names every code in lib/closeCodes.ts, and no other', () => {
    const codes = tableUnder(readSpec(), /^## Close codes\s*$/).map(([code]) => Number(code))
    expect(codes.every(Number.isInteger), String(codes)).toBe(true)
    expect([...codes].sort()).toEqual([...new Set(Object.values(CloseCode))].sort())
  })

  // proves: HTTP-7
  it('the status table names every HTTP status the server sends, and no other', () => {
    const statuses = tableUnder(readSpec(), /^## HTTP on the same port\s*$/).map(([status]) => Number(status))
    expect(statuses.every(Number.isInteger), String(statuses)).toBe(true)
    const sent = statusesInServerSources()
    // If these go missing, the source scan above no longer finds where responses are made: update it.
    for (const known of [200, 204, 400, 401, 403, 404, 405, 410, 413, 500, 503]) expect(sent.has(known), `server sends ${known}`).toBe(true)
    expect([...statuses].sort()).toEqual([...sent].sort())
  })

  // proves: HTTP-3
  it('every tandem_ metric a server has is named in the spec', async () => {
    const server = await startTestServer()
    const room = docId()
    // Traffic and a store write first, so that every series exists.
    const client = await syncedClient(server, room, await server.token({ doc: room }))
    client.doc.getText('text').insert(0, 'measured')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('measured'))
    const { types } = parseMetrics((await api(server, 'GET', '/metrics')).text)
    const exposed = [...types.keys()].filter((name) => name.startsWith('tandem_'))
    expect(exposed.length).toBeGreaterThanOrEqual(7)
    // And those only some setups expose (Redis, say): every metric name written in the sources.
    const declared = serverSources().flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/['"](tandem_[a-z0-9_]+)['"]/g)].map((m) => m[1]))
    const spec = readSpec()
    for (const name of new Set([...exposed, ...declared])) expect(spec, name).toContain(`\`${name}\``)
  })

  // proves: MEMORY-4, MEMORY-5
  it("the fixed limits the spec states are the server's: the send backlog of a slow receiver and the ping interval", () => {
    const backlog = /more than (\d+) MiB/.exec(ruleText('MEMORY-4'))
    expect(backlog, 'MEMORY-4 states the backlog in MiB').not.toBeNull()
    expect(Number(backlog![1]) * 1024 * 1024).toBe(DEFAULT_LIMITS.maxBufferedBytes)
    const ping = /pinged every (\d+) seconds/.exec(ruleText('MEMORY-5'))
    expect(ping, 'MEMORY-5 states the ping interval in seconds').not.toBeNull()
    expect(Number(ping![1]) * 1000).toBe(DEFAULT_LIMITS.heartbeatIntervalMs)
  })
})

describe('the numbers the new rules state are the code\'s', () => {
  // proves: MEMORY-6, CLOSE-2, AUTH-14, START-7
  it('released presence kept 30 s and 1,000 IDs; a 32 MiB rebuild backlog; 60 s of clock skew; 32-byte secrets', () => {
    const released = /for (\d+) seconds and for at most ([\d,]+) client IDs/.exec(ruleText('MEMORY-6'))
    expect(released, 'MEMORY-6 states how long and how many').not.toBeNull()
    expect(Number(released![1]) * 1000).toBe(RELEASED_TTL_MS)
    expect(Number(released![2].replace(/,/g, ''))).toBe(MAX_RELEASED_IDS)
    const backlog = /pass (\d+) MiB/.exec(ruleText('CLOSE-2'))
    expect(Number(backlog![1]) * 1024 * 1024).toBe(MAX_REBUILD_BACKLOG_BYTES)
    const skew = /more than (\d+) seconds ahead/.exec(ruleText('AUTH-14'))
    expect(Number(skew![1])).toBe(MAX_CLOCK_SKEW_SECONDS)
    const secret = /shorter than (\d+) bytes/.exec(ruleText('START-7'))
    expect(Number(secret![1])).toBe(MIN_AUTH_SECRET_BYTES)
    const defaults = readConfig({} as NodeJS.ProcessEnv)
    expect(defaults.MAX_AWARENESS_BYTES).toBe(DEFAULT_LIMITS.maxAwarenessBytes)
    expect(defaults.MAX_AWARENESS_CLIENTS).toBe(DEFAULT_LIMITS.maxAwarenessClients)
  })
})

describe('the README against the server', () => {
  /** A command line quoted in the README's code blocks, without its trailing comment. */
  const quoted = (pattern: RegExp) => {
    const line = README()
      .split('\n')
      .map((l) => l.trim())
      .find((l) => pattern.test(l))
    expect(line, `the README quotes a line matching ${pattern}`).toBeDefined()
    return line!.replace(/\s+#.*$/, '')
  }

  // proves: START-4
  it('the README names the direct `node …` command for containers (as the spec does), and that exact command starts a working server', async () => {
    const bare = quoted(/^node\s.*dist\/server\/main\.js/)
    expect(readSpec()).toContain(`\`${bare}\``)
    const server = await spawnServer({ shellCommand: `exec ${bare}` })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('text').insert(0, 'started by the README command')
    await eventually(() => expect(b.text()).toBe('started by the README command'))
    // `exec`: the process we signal is the server itself, as a container's first process would be.
    server.kill('SIGTERM', { processOnly: true })
    expect((await server.exited).code).toBe(0)
  })

  // proves: START-1
  it('the `npm run server` line the README quotes starts a working server', async () => {
    const command = quoted(/^npm run server\b/)
    const server = await spawnServer({ shellCommand: `exec ${command}` })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('text').insert(0, 'started by npm run server')
    await eventually(() => expect(b.text()).toBe('started by npm run server'))
    server.kill('SIGTERM')
    await server.exited
  })

  it('the README names `npm run server`, says it runs in the foreground, and links to the spec', () => {
    const readme = README()
    expect(readme).toMatch(/npm run server/)
    expect(readme).toMatch(/foreground/i)
    expect(readme).toContain('docs/sync-protocol.md')
  })
})
