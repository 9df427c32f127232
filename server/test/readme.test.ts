/**
 * CONTRACT.md preamble and "Starting it": the README states the same promises
 * as the contract (checked where it can be checked mechanically: every
 * variable with the same default, every close code and status), and names the
 * direct `node …` command, which really starts the server.
 */
import { describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT, docId, eventually, spawnServer, syncedClient } from './harness'

// These start real server processes (several per test); on a loaded 2-core machine each start can take seconds.
vi.setConfig({ testTimeout: 120_000 })

const README = () => readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')

/** The contract's environment table: variable → default, verbatim. */
const CONTRACT_DEFAULTS: Record<string, string> = {
  PORT: '`1234`',
  HOST: '`localhost`',
  AUTH_SECRET: 'generated once into `DATA_DIR` when unset, with a warning',
  DATA_DIR: '`./data`',
  DATABASE_URL: 'unset',
  REDIS_URL: 'unset',
  MAX_MESSAGE_BYTES: '`10485760`',
  MAX_MESSAGES_PER_SECOND: '`1000`',
  ROOM_IDLE_MS: '`10000`',
}

/** Rows of the first Markdown table after `heading` whose first cell is a `VARIABLE`. */
function tableAfter(markdown: string, heading: RegExp): Map<string, string[]> {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => heading.test(l))
  const rows = new Map<string, string[]>()
  if (start < 0) return rows
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,6} /.test(line) && rows.size > 0) break
    const m = /^\|\s*`([A-Z_]+)`\s*\|(.*)\|\s*$/.exec(line)
    if (m) rows.set(m[1], m[2].split('|').map((c) => c.trim()))
  }
  return rows
}

describe('README and contract agree', () => {
  it("the README's sync-server configuration table has every variable of the contract, with the same default", () => {
    const rows = tableAfter(README(), /^#+ .*Configuration/)
    expect(rows.size).toBeGreaterThan(0)
    for (const [variable, contractDefault] of Object.entries(CONTRACT_DEFAULTS)) {
      expect(rows.has(variable), variable).toBe(true)
      expect(rows.get(variable)![0], variable).toBe(contractDefault)
    }
  })

  it('the README names every close code and HTTP status the contract promises', () => {
    const readme = README()
    for (const code of ['1001', '1002', '1003', '1008', '1009', '4403', '4404']) expect(readme, `close code ${code}`).toContain(code)
    for (const status of ['400', '401', '403', '410', '413', '204', '503']) expect(readme, `status ${status}`).toContain(status)
    for (const metric of [
      'tandem_connections',
      'tandem_rooms',
      'tandem_messages_received_total',
      'tandem_messages_sent_total',
      'tandem_bytes_received_total',
      'tandem_bytes_sent_total',
      'tandem_persist_seconds',
    ]) {
      expect(readme, metric).toContain(metric)
    }
  })

  it('the README names the direct `node …` command for containers, and that exact command starts a working server', async () => {
    const readme = README()
    const command = readme
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^node\s.*server\/main\.ts/.test(l))
    expect(command, 'a line starting with `node … server/main.ts`').toBeDefined()
    const bare = command!.replace(/\s+#.*$/, '')
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

  it('the README names `npm run server` and says it runs in the foreground', () => {
    const readme = README()
    expect(readme).toMatch(/npm run server/)
    expect(readme).toMatch(/foreground/i)
  })
})
