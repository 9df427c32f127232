/**
 * deploy/nginx/tandem.conf, run by the real nginx against stand-in
 * upstreams: the two server-sent event streams reach the browser event by
 * event (nothing waits in a proxy buffer), and the headers the apps rely on
 * arrive. The whole deployment with the real apps is e2e/deploy.spec.ts.
 */
import { existsSync } from 'node:fs'
import http, { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { NGINX_BIN, composeService, onThisMachine, plainHttpVariant, renderNginxSite, startNginx } from '../testkit/deployment'
import { defer, eventually, freePort, tempDir } from '../server/test/harness'

vi.setConfig({ testTimeout: 60_000 })

const installed = existsSync(NGINX_BIN)
if (!installed) {
  if (process.env.CI) throw new Error(`the nginx site test must run under CI: install nginx (apt-get install nginx)`)
  console.warn(`\n!! SKIPPED: the nginx site test. nginx is not installed at ${NGINX_BIN}.\n`)
}

/** A stand-in upstream: streams one event and holds the response open until `release()`; other paths echo their headers. */
async function upstream(name: string) {
  const held: ServerResponse[] = []
  const requests: IncomingMessage[] = []
  const server = createServer((req, res) => {
    requests.push(req)
    if (req.url === '/api/events' || /^\/sync\/docs\/[^/]+\/stream$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write(`data: first from ${name}\n\n`)
      held.push(res)
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ name, headers: req.headers }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  defer(async () => {
    for (const res of held) res.end()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { port: (server.address() as { port: number }).port, requests, release: () => held.splice(0).forEach((res) => res.end('data: last\n\n')) }
}

/** GETs `url` and resolves once `text` has arrived, with everything received so far; the response may still be open. */
function receive(url: string, text: string): Promise<{ body: string; ended: boolean; close: () => void }> {
  return new Promise((resolve, reject) => {
    let body = ''
    let ended = false
    const request = http.get(url, (response) => {
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
        if (body.includes(text)) resolve({ body, ended, close: () => request.destroy() })
      })
      response.on('end', () => (ended = true))
    })
    request.on('error', reject)
    defer(() => request.destroy())
  })
}

/** The site as shipped, rendered for plain http on free loopback ports, in front of the given upstream ports; stopped after the test. */
async function startSite(webPort: number, syncPorts: [number, number]) {
  const [port, internal, redirect] = [await freePort(), await freePort(), await freePort()]
  const env = onThisMachine(composeService('nginx', { AUTH_SECRET: 'x', POSTGRES_PASSWORD: 'x', TANDEM_SERVER_NAME: 'localhost' }), 'nginx', {
    TANDEM_HTTP_PORT: `127.0.0.1:${redirect}`,
    TANDEM_HTTPS_PORT: `127.0.0.1:${port}`,
    TANDEM_INTERNAL_PORT: `127.0.0.1:${internal}`,
    TANDEM_TLS_CERT: '/unused.pem',
    TANDEM_TLS_KEY: '/unused.pem',
    TANDEM_WEB: `127.0.0.1:${webPort}`,
    TANDEM_SYNC_1: `127.0.0.1:${syncPorts[0]}`,
    TANDEM_SYNC_2: `127.0.0.1:${syncPorts[1]}`,
  })
  const site = renderNginxSite(env)
  const nginx = startNginx(path.join(tempDir('tandem-nginx-'), 'nginx'), plainHttpVariant(site))
  defer(() => nginx.stop(5_000))
  return { origin: `http://127.0.0.1:${port}`, internal, site }
}

describe.skipIf(!installed)('deploy/nginx/tandem.conf against stand-in upstreams', () => {
  it('passes both event streams on event by event, while the upstream still holds the response open', async () => {
    const web = await upstream('web')
    const sync = await upstream('sync')
    const { origin, internal, site } = await startSite(web.port, [sync.port, sync.port])
    await eventually(async () => expect((await fetch(`${origin}/signin`)).status).toBe(200), { timeoutMs: 15_000 })

    // The first event arrives while the upstream has not finished: a buffering proxy would hold it back.
    const events = await receive(`${origin}/api/events`, 'first from web')
    expect(events.ended).toBe(false)
    const stream = await receive(`${origin}/sync/docs/abc/stream`, 'first from sync')
    expect(stream.ended).toBe(false)
    web.release()
    sync.release()
    // Arriving promptly here is not the whole story: nginx also buffers when the browser reads slowly,
    // and caps a response's silence at proxy_read_timeout. Both streams are exempt from both.
    for (const location of ['location = /api/events', 'location ~ ^/sync/docs/[^/]+/stream(/[^/]+)?$']) {
      const block = site.slice(site.indexOf(location), site.indexOf('}', site.indexOf(location)))
      expect(block, location).toMatch(/proxy_buffering off;/)
      expect(block, location).toMatch(/proxy_read_timeout 1h;/)
    }

    // Ordinary requests carry what the apps need to know about the browser's request.
    const echoed = (await (await fetch(`${origin}/d/abc`)).json()) as { name: string; headers: Record<string, string> }
    expect(echoed.name).toBe('web')
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(echoed.headers['x-forwarded-proto']).toBe('http')
    expect(echoed.headers['x-forwarded-host']).toBe(new URL(origin).host)
    expect(echoed.headers.host).toBe(new URL(origin).host)
    // The path reaches the sync server as the browser sent it, prefix included.
    const api = (await (await fetch(`${origin}/sync/docs/abc/update`)).json()) as { name: string }
    expect(api.name).toBe('sync')
    expect(sync.requests.at(-1)?.url).toBe('/sync/docs/abc/update')
    // The web app's own calls go through the internal listener to the sync instances, and nothing else does.
    expect(((await (await fetch(`http://127.0.0.1:${internal}/sync/docs/abc/access`)).json()) as { name: string }).name).toBe('sync')
    expect((await fetch(`http://127.0.0.1:${internal}/d/abc`)).status).toBe(404)
  })
})

/** A stand-in sync instance that can be stopped and started again on the same port, as a restart does. */
async function restartableInstance(name: string) {
  const port = await freePort()
  let server: http.Server | null = null
  const instance = {
    port,
    async start() {
      server = createServer((req, res) => {
        req.resume()
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name })))
      })
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()))
    },
    async stop() {
      const stopping = server
      server = null
      if (stopping) await new Promise<void>((resolve) => stopping.close(() => resolve()).closeAllConnections())
    },
  }
  await instance.start()
  defer(() => instance.stop())
  return instance
}

describe.skipIf(!installed)('deploy/nginx/tandem.conf during a rolling restart', () => {
  // proves: DEPLOY-2
  it('sends every sync request to the instance that is up, even one that was down a moment ago', async () => {
    const web = await upstream('web')
    const first = await restartableInstance('first')
    const second = await restartableInstance('second')
    const { origin, internal } = await startSite(web.port, [first.port, second.port])
    await eventually(async () => expect((await fetch(`${origin}/sync/docs/abc/update`)).status).toBe(200), { timeoutMs: 15_000 })

    // Every kind of sync request: the document API, the HTTP transport's stream and its POSTs, the web app's calls.
    const requests: Array<[string, RequestInit]> = [
      [`${origin}/sync/docs/abc/update`, {}],
      [`${origin}/sync/docs/abc/stream?token=t`, {}],
      [`${origin}/sync/docs/abc/stream/session`, { method: 'POST', body: 'frame' }],
      [`http://127.0.0.1:${internal}/sync/docs/abc/access`, { method: 'POST', body: '{}' }],
    ]
    const answeredBy = async () => Promise.all(requests.map(async ([url, init]) => {
      const response = await fetch(url, init)
      return response.status === 200 ? ((await response.json()) as { name: string }).name : response.status
    }))

    // The first instance restarts: nginx tries it, finds it refusing, and every request reaches the second.
    await first.stop()
    expect(await answeredBy()).toEqual(['second', 'second', 'second', 'second'])
    // It is back within a passive check's fail_timeout (nginx's default 10 s), and the rolling restart stops the second at once.
    // With the passive check on, nginx would still count the first as down and answer 502 to everything.
    await first.start()
    await second.stop()
    expect(await answeredBy()).toEqual(['first', 'first', 'first', 'first'])
  })
})
