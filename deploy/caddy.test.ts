/**
 * deploy/Caddyfile, run by a real Caddy (plain HTTP on a free port: a site
 * address with `http://` switches automatic TLS off) in front of two sync
 * server instances on PostgreSQL and Redis under SYNC_PATH_PREFIX=/sync, and
 * a stand-in for the web app that echoes what it was sent. Stock y-websocket
 * clients reach the instances through Caddy only.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { sumOfMetric } from '../testkit/metrics'
import { REPO_ROOT } from '../testkit/paths'
import { spawnGroup } from '../testkit/processGroup'
import { serviceAvailable } from '../testkit/services'
import { startCluster } from '../server/scaleout/support/cluster'
import { defer, docId, eventually, freePort, syncedClient, tempDir } from '../server/test/harness'

vi.setConfig({ testTimeout: 60_000 })

const CADDY = '/usr/bin/caddy'
const installed = existsSync(CADDY)
if (!installed) {
  if (process.env.CI) throw new Error(`the Caddyfile test must run under CI: install caddy (apt-get install caddy)`)
  console.warn(`\n!! SKIPPED: the Caddyfile test. Caddy is not installed at ${CADDY} (apt-get install caddy).\n`)
}
const services = installed && (await serviceAvailable('postgres')) && (await serviceAvailable('redis'))

async function metric(httpUrl: string, name: string): Promise<number> {
  return sumOfMetric(await (await fetch(`${httpUrl}/metrics`)).text(), name)
}

// proves: DEPLOY-6
describe.skipIf(!services)('deploy/Caddyfile in front of two sync instances and the web app', () => {
  it('serves /sync/ from both instances (WebSockets, the API, /sync/healthz), the rest from the web app with X-Forwarded-*, and hides /sync/metrics', async () => {
    const cluster = await startCluster({ instances: 2, pathPrefix: '/sync' })
    const [a, b] = cluster.instances

    const seen: IncomingMessage[] = []
    const web = createServer((req, res) => {
      seen.push(req)
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('the web app')
    })
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()))
    defer(() => new Promise<void>((resolve) => web.close(() => resolve())))
    const webPort = (web.address() as { port: number }).port

    const [port, adminPort] = [await freePort(), await freePort()]
    const home = tempDir('tandem-caddy-')
    mkdirSync(path.join(home, 'data'), { recursive: true })
    const caddy = spawnGroup(CADDY, ['run', '--config', path.join(REPO_ROOT, 'deploy/Caddyfile'), '--adapter', 'caddyfile'], {
      cwd: home,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_CONFIG_HOME: path.join(home, 'config'),
        TANDEM_SERVER_NAME: `http://127.0.0.1:${port}`,
        TANDEM_CADDY_ADMIN: `127.0.0.1:${adminPort}`,
        TANDEM_WEB: `127.0.0.1:${webPort}`,
        TANDEM_SYNC_1: a.httpUrl.replace('http://', ''),
        TANDEM_SYNC_2: b.httpUrl.replace('http://', ''),
        TANDEM_MAX_BODY: '1024',
      } as unknown as NodeJS.ProcessEnv,
    })
    defer(() => caddy.stop(5_000))
    const origin = `http://127.0.0.1:${port}`
    await eventually(async () => expect((await fetch(`${origin}/sync/healthz`)).status).toBe(200), { timeoutMs: 20_000 })

    // The rest goes to the web app, told who asked and how.
    const page = await fetch(`${origin}/d/x`)
    expect(await page.text()).toBe('the web app')
    const forwarded = seen.at(-1)!
    expect(forwarded.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(forwarded.headers['x-forwarded-proto']).toBe('http')
    expect(forwarded.headers['x-forwarded-host']).toBe(`127.0.0.1:${port}`)

    expect((await fetch(`${origin}/sync/metrics`)).status).toBe(404)

    // Two stock clients through Caddy: round robin puts one on each instance, and Redis joins them.
    const room = docId('caddy')
    const token = await cluster.token({ sub: 'u', doc: room, access: 'write' })
    const through = { wsUrl: `ws://127.0.0.1:${port}/sync` }
    const first = await syncedClient(through, room, token)
    const second = await syncedClient(through, room, token)
    await eventually(async () => {
      expect(await metric(a.httpUrl, 'tandem_connections')).toBe(1)
      expect(await metric(b.httpUrl, 'tandem_connections')).toBe(1)
    })
    first.doc.getText('text').insert(0, 'through caddy')
    await eventually(() => expect(second.text()).toBe('through caddy'))

    // The API through the prefix, and a body over TANDEM_MAX_BODY stopped by Caddy itself.
    const read = await fetch(`${origin}/sync/docs/${room}/update`, { headers: { authorization: `Bearer ${token}` } })
    expect(read.status).toBe(200)
    const tooLarge = await fetch(`${origin}/sync/docs/${room}/update`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(2048) })
    // Caddy stops it, not the instance (which would answer 400 to these bytes): 413 from Caddy 2.7 on,
    // 502 from Debian 12's Caddy 2.6, whose proxy reports the cut-off body as an upstream failure.
    expect([413, 502]).toContain(tooLarge.status)

    // An instance goes away: its client reconnects through Caddy to the other, and edits flow again.
    await a.stop()
    await eventually(async () => expect(await metric(b.httpUrl, 'tandem_connections')).toBe(2), { timeoutMs: 15_000 })
    second.doc.getText('text').insert(0, 'still ')
    await eventually(() => expect(first.text()).toBe('still through caddy'))
  })
})
