/**
 * docs/sync-protocol.md, "HTTP on the same port": /healthz, /metrics, and what
 * any other request is answered.
 */
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import {
  api,
  docId,
  eventually,
  metric,
  parseMetrics,
  rawClient,
  spawnServer,
  startTestServer,
  syncedClient,
} from './harness'
import { insertUpdate, updateFrame } from './wire'

describe('GET /healthz', () => {
  // proves: HTTP-1, CONFIG-2
  it('answers 200 application/json {"status":"ok"} while the server can serve, on the WebSocket port', async () => {
    const server = await startTestServer()
    const res = await api(server, 'GET', '/healthz')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(JSON.parse(res.text)).toEqual({ status: 'ok' })
    // Same port as the sockets.
    const room = docId()
    await syncedClient(server, room, await server.token({ doc: room }))
  })

  // proves: HTTP-2
  it('answers 503 naming the failing dependency while the store cannot serve, and 200 again once it can', async () => {
    const server = await startTestServer()
    server.store.pingFailure = new Error('SQLITE_IOERR: disk I/O error')
    await eventually(async () => {
      const res = await api(server, 'GET', '/healthz')
      expect(res.status).toBe(503)
      expect(res.text).toMatch(/store|sqlite|database|persistence/i)
    })
    server.store.pingFailure = null
    await eventually(async () => {
      const ok = await api(server, 'GET', '/healthz')
      expect(ok.status).toBe(200)
      expect(JSON.parse(ok.text)).toEqual({ status: 'ok' })
    })
  })

  // proves: HTTP-2
  it('answers 503 once the store is really gone (closed database)', async () => {
    const server = await startTestServer()
    await server.store.inner.close()
    await eventually(async () => {
      const res = await api(server, 'GET', '/healthz')
      expect(res.status).toBe(503)
      expect(res.text).toMatch(/store|sqlite|database|persistence/i)
    })
  })
})

describe('/healthz says what fails, never how the driver put it', () => {
  // proves: HTTP-9
  it("names the failing dependency but never echoes the driver's error text; the detail goes to the log", async () => {
    const lines: Array<Record<string, unknown>> = []
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
    const server = await startTestServer({ log })
    const detail = 'connect ECONNREFUSED 10.9.8.7:5432 (user=tandem password=hunter2)'
    server.store.pingFailure = new Error(detail)
    const res = await eventually(async () => {
      const answer = await api(server, 'GET', '/healthz')
      expect(answer.status).toBe(503)
      return answer
    })
    const body = JSON.parse(res.text) as Record<string, unknown>
    expect(body).toEqual({ status: 'error', failing: 'database', reason: expect.any(String) })
    for (const leak of ['hunter2', 'ECONNREFUSED', '10.9.8.7', 'tandem']) expect(res.text).not.toContain(leak)
    expect(lines.some((line) => JSON.stringify(line).includes('ECONNREFUSED'))).toBe(true)
    // A store that is really gone: its driver's words stay out of the answer too.
    server.store.pingFailure = null
    await server.store.inner.close()
    await eventually(async () => {
      const gone = await api(server, 'GET', '/healthz')
      expect(gone.status).toBe(503)
      expect(JSON.parse(gone.text)).toEqual({ status: 'error', failing: 'database', reason: body.reason })
    })
  })
})

describe('GET /metrics with METRICS_TOKEN', () => {
  // proves: HTTP-8
  it('answers 401 without `Authorization: Bearer <token>` (or with another one), and the metrics with it', async () => {
    const server = await startTestServer({ metricsToken: 'metrics-secret-token' })
    const without = await api(server, 'GET', '/metrics')
    expect(without.status).toBe(401)
    expect(without.headers.get('www-authenticate')).toBe('Bearer')
    expect(JSON.parse(without.text)).toEqual({ error: expect.any(String) })
    expect(without.text).not.toContain('tandem_')
    for (const header of ['Bearer metrics-secret-toke', 'Bearer metrics-secret-tokenX', 'Basic metrics-secret-token', 'metrics-secret-token']) {
      expect((await api(server, 'GET', '/metrics', { headers: { authorization: header } })).status, header).toBe(401)
    }
    const ok = await api(server, 'GET', '/metrics', { token: 'metrics-secret-token' })
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('tandem_connections')
    // Nothing else wants it.
    expect((await api(server, 'GET', '/healthz')).status).toBe(200)
  })
})

describe('GET /metrics', () => {
  const GAUGES = ['tandem_connections', 'tandem_rooms', 'tandem_rooms_cold', 'tandem_start_time_seconds']
  const COUNTERS = ['tandem_messages_received_total', 'tandem_messages_sent_total', 'tandem_bytes_received_total', 'tandem_bytes_sent_total']

  // proves: HTTP-3
  it('is Prometheus text format with every named metric, of the named type', async () => {
    const server = await startTestServer()
    const res = await api(server, 'GET', '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const { samples, types } = parseMetrics(res.text)
    for (const g of GAUGES) {
      expect(types.get(g), g).toBe('gauge')
      expect(samples.some((s) => s.name === g), g).toBe(true)
    }
    for (const c of COUNTERS) {
      // prom-client and the exposition format name the family without `_total` in newer versions; accept both.
      expect(types.get(c) ?? types.get(c.replace(/_total$/, '')), c).toBe('counter')
      expect(samples.some((s) => s.name === c), c).toBe(true)
    }
    expect(types.get('tandem_persist_seconds')).toBe('histogram')
    expect(samples.some((s) => s.name === 'tandem_persist_seconds_bucket' && s.labels.includes('le="+Inf"'))).toBe(true)
    expect(samples.some((s) => s.name === 'tandem_persist_seconds_count')).toBe(true)
    expect(samples.some((s) => s.name === 'tandem_persist_seconds_sum')).toBe(true)
    // Every tandem_ sample is a number (other families may legitimately report NaN, which the format allows).
    for (const s of samples.filter((x) => x.name.startsWith('tandem_'))) expect(Number.isFinite(s.value), s.name).toBe(true)
    // Every non-comment line is a sample line the format allows.
    for (const line of res.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (NaN|[+-]Inf|[-+]?[0-9.eE+-]+)( [0-9]+)?$/i) // Prometheus parses NaN/Inf case-insensitively (prom-client writes "Nan")
    }
  })

  // proves: HTTP-4
  it('tandem_connections and tandem_rooms gauge what is open and loaded', async () => {
    const server = await startTestServer({ limits: { roomIdleMs: 60_000 } })
    expect(await metric(server, 'tandem_connections')).toBe(0)
    expect(await metric(server, 'tandem_rooms')).toBe(0)
    const one = docId('one')
    const two = docId('two')
    const a = await syncedClient(server, one, await server.token({ doc: one }))
    await syncedClient(server, one, await server.token({ doc: one }))
    await syncedClient(server, two, await server.token({ doc: two }))
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(3))
    expect(await metric(server, 'tandem_rooms')).toBe(2)
    a.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(2))
  })

  // proves: HTTP-4
  it('the message and byte counters count what crosses the sockets', async () => {
    const server = await startTestServer()
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    const observer = await rawClient(server, room, await server.token({ doc: room, sub: 'o' }))
    await raw.roundTrip()
    await observer.roundTrip()
    const before = {
      rx: await metric(server, 'tandem_messages_received_total'),
      tx: await metric(server, 'tandem_messages_sent_total'),
      rxBytes: await metric(server, 'tandem_bytes_received_total'),
      txBytes: await metric(server, 'tandem_bytes_sent_total'),
    }
    const frames = [1, 2, 3, 4, 5].map((i) => updateFrame(insertUpdate('x'.repeat(1000), { clientID: 11_000 + i, name: `t${i}` }).update))
    for (const f of frames) await raw.send(f)
    const sentBytes = frames.reduce((n, f) => n + f.length, 0)
    await eventually(() => expect(observer.framesOf(0).filter((f) => f.step === 2).length).toBeGreaterThanOrEqual(1))
    await eventually(async () => {
      expect(await metric(server, 'tandem_messages_received_total')).toBeGreaterThanOrEqual(before.rx + 5)
      expect(await metric(server, 'tandem_bytes_received_total')).toBeGreaterThanOrEqual(before.rxBytes + sentBytes)
      // Relayed to the observer: at least the 5000 characters went out again.
      expect(await metric(server, 'tandem_messages_sent_total')).toBeGreaterThan(before.tx)
      expect(await metric(server, 'tandem_bytes_sent_total')).toBeGreaterThanOrEqual(before.txBytes + 5000)
    })
  })

  // proves: HTTP-4
  it('tandem_persist_seconds observes store writes', async () => {
    const server = await startTestServer()
    const room = docId()
    const before = await metric(server, 'tandem_persist_seconds_count')
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'persisted')
    await eventually(async () => expect(await metric(server, 'tandem_persist_seconds_count')).toBeGreaterThan(before))
    expect(await metric(server, 'tandem_persist_seconds_sum')).toBeGreaterThanOrEqual(0)
  })
})

describe('GET /metrics of a server process', () => {
  // proves: HTTP-5
  it("also carries Node's standard process metrics: CPU, memory, event loop", async () => {
    const server = await spawnServer()
    const { types } = parseMetrics((await api(server, 'GET', '/metrics')).text)
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter')
    expect(types.get('process_resident_memory_bytes')).toBe('gauge')
    expect([...types.keys()].some((name) => name.startsWith('nodejs_eventloop_lag'))).toBe(true)
  })
})

describe('anything else', () => {
  // proves: HTTP-6
  it('answers 405 for a method a document path does not take and 404 for any other request it does not serve, with a JSON body', async () => {
    const server = await startTestServer()
    const room = docId()
    const token = await server.token({ doc: room, sub: 'owner', access: 'admin' })
    const expectAnswer = async (method: string, urlPath: string, status: number) => {
      const res = await api(server, method, urlPath, { token })
      expect(res.status, `${method} ${urlPath}`).toBe(status)
      expect(res.headers.get('content-type'), `${method} ${urlPath}`).toMatch(/^application\/json/)
      expect(typeof (JSON.parse(res.text) as { error?: unknown }).error, `${method} ${urlPath}`).toBe('string')
    }
    for (const [method, urlPath] of [
      ['PUT', `/docs/${room}/update`],
      ['DELETE', `/docs/${room}/update`],
      ['GET', `/docs/${room}`],
      ['POST', `/docs/${room}`],
      ['GET', `/docs/${room}/access`],
    ]) {
      await expectAnswer(method, urlPath, 405)
    }
    for (const [method, urlPath] of [
      ['GET', '/'],
      ['GET', '/nothing-here'],
      ['GET', '/docs'],
      ['GET', `/docs/${room}/history`],
      ['POST', '/healthz'],
      ['DELETE', '/metrics'],
    ]) {
      await expectAnswer(method, urlPath, 404)
    }
    // Nothing of the document changed on the way.
    expect(await server.store.storedText(room)).toBe('')
  })
})
