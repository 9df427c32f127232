/**
 * What happens to users when parts of a scaled-out deployment fail: Redis
 * restarting or dropping connections, PostgreSQL unreachable, an instance
 * killed with SIGKILL. In every case all edits end up everywhere.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { describeWithServices, postgresTestUrl, redisTestUrl } from '../../testkit/services'
import { afterSecond, api, defer, docId, eventually, rawClient, sleep, spawnServer, syncedClient, type StockClient } from '../test/harness'
import { insertUpdate, updateFrame } from '../test/wire'
import { annAndBob, expectConverged, startCluster, startOwnRedis, startPostgresProxy } from './support/cluster'

const names = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i};`)

function type(client: StockClient, words: string[]): void {
  for (const word of words) client.doc.getText('text').insert(client.doc.getText('text').length, word)
}

await describeWithServices(['postgres', 'redis'], 'scale-out failures', () => {
  // proves: SCALE-8, HTTP-2
  it('Redis restarting: both instances keep serving, report it, and converge once it is back', async () => {
    const redis = await startOwnRedis()
    const cluster = await startCluster({ instances: 2, redisUrl: redis.url })
    const [a, b] = cluster.instances
    const { onA, onB } = await annAndBob(cluster, docId())
    type(onA, ['before;'])
    await eventually(() => expect(onB.text()).toBe('before;'))

    await redis.stop()
    await eventually(async () => {
      const health = await api(a, 'GET', '/healthz')
      expect(health.status).toBe(503)
      expect(JSON.parse(health.text)).toMatchObject({ status: 'error', failing: 'redis' })
    })
    const wordsA = names(20, 'a')
    const wordsB = names(20, 'b')
    type(onA, wordsA)
    type(onB, wordsB)
    await sleep(300)
    await redis.start()

    await eventually(() => expectConverged([onA, onB], ['before;', ...wordsA, ...wordsB]), { timeoutMs: 15_000 })
    await eventually(async () => expect((await api(b, 'GET', '/healthz')).status).toBe(200))
    // Live relay works again after the resync.
    type(onB, ['after;'])
    await eventually(() => expect(onA.text()).toContain('after;'))
  })

  // proves: SCALE-8
  it('connections to Redis dropping for a few seconds lose nothing', async () => {
    const redis = await startOwnRedis()
    const cluster = await startCluster({ instances: 2, redisUrl: redis.url })
    const { onA, onB } = await annAndBob(cluster, docId())
    const words: string[] = []
    const deadline = Date.now() + 2_500
    for (let round = 0; Date.now() < deadline; round++) {
      await redis.killClients()
      const batch = [`a${round};`, `b${round};`]
      words.push(...batch)
      type(onA, [batch[0]])
      type(onB, [batch[1]])
      await sleep(150)
    }
    await eventually(() => expectConverged([onA, onB], words), { timeoutMs: 15_000 })
  })

  // proves: SCALE-12
  it('an access change made while Redis was down (its message lost) reaches the other instance once Redis is back', async () => {
    const redis = await startOwnRedis()
    // The periodic re-check is far off: only the reconnect can correct it.
    const cluster = await startCluster({ instances: 2, redisUrl: redis.url, limits: { policyRecheckIntervalMs: 10 * 60_000 } })
    const [a, b] = cluster.instances
    const room = docId()
    const earlier = { issuedAt: Math.floor(Date.now() / 1000) - 10 }
    const ann = await rawClient(a, room, await cluster.token({ doc: room, sub: 'ann' }, earlier))
    const carl = await rawClient(a, room, await cluster.token({ doc: room, sub: 'carl' }, earlier))
    const watcher = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'watcher' }))
    await Promise.all([ann.roundTrip(), carl.roundTrip()])

    await redis.stop()
    const admin = await cluster.token({ doc: room, sub: 'owner', access: 'admin' })
    for (const [sub, access] of [['ann', 'read'], ['carl', 'none']]) {
      const res = await api(b, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub, access }) })
      expect(res.status).toBe(204)
    }
    // Published into the void: instance A has not heard of it.
    await ann.roundTrip()
    expect(carl.isOpen).toBe(true)
    await redis.start()

    expect(await carl.closeCode(20_000)).toBe(4403)
    await ann.waitFor((f) => f.type === 2, { timeoutMs: 20_000 })
    await ann.send(updateFrame(insertUpdate('after the change', { clientID: 14_000_001 }).update))
    await ann.roundTrip()
    expect(watcher.text()).toBe('')
    expect(ann.isOpen).toBe(true)
    expect(watcher.closeCodes).toEqual([])
  })

  // proves: SCALE-12
  it('a lost access change or deletion is corrected at the next periodic re-check, outage or not', async () => {
    const cluster = await startCluster({ instances: 2, limits: { policyRecheckIntervalMs: 300 } })
    const [a, b] = cluster.instances
    const room = docId()
    const earlier = { issuedAt: Math.floor(Date.now() / 1000) - 10 }
    const dan = await rawClient(a, room, await cluster.token({ doc: room, sub: 'dan' }, earlier))
    const eve = await rawClient(a, room, await cluster.token({ doc: room, sub: 'eve' }, earlier))
    await dan.send(updateFrame(insertUpdate('kept;', { clientID: 14_100_001 }).update))
    await dan.roundTrip()
    // Recorded by instance B as a change would be, but never published (as if the message were lost).
    const now = Math.floor(Date.now() / 1000)
    await b.store.recordAccessChange(room, 'dan', { access: 'read', changedAt: now })
    await dan.waitFor((f) => f.type === 2, { timeoutMs: 10_000 })
    expect(eve.isOpen).toBe(true)
    await b.store.deleteDocument(room, now)
    expect(await dan.closeCode(10_000)).toBe(4404)
    expect(await eve.closeCode(10_000)).toBe(4404)
    // And the document is gone here too: a new token opens it empty.
    await afterSecond(now)
    const fresh = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'new' }))
    expect(fresh.text()).toBe('')
  })

  // proves: SCALE-9, HTTP-2
  it('PostgreSQL unreachable: /healthz says so, edits stay in memory and are stored once it is back', async () => {
    const proxy = await startPostgresProxy()
    const cluster = await startCluster({ instances: 1 })
    const viaProxy = await cluster.addInstance({ databaseUrl: proxy.url })
    const room = docId()
    const client = await syncedClient(viaProxy, room, await cluster.token({ doc: room }))
    const watcher = await syncedClient(cluster.instances[0], room, await cluster.token({ doc: room, sub: 'watcher' }))

    proxy.cut()
    type(client, ['while-down;'])
    await eventually(async () => {
      const health = await api(viaProxy, 'GET', '/healthz')
      expect(health.status).toBe(503)
      expect(JSON.parse(health.text)).toMatchObject({ failing: 'database' })
    })
    // Live editing goes on through Redis meanwhile.
    await eventually(() => expect(watcher.text()).toBe('while-down;'))

    proxy.restore()
    await eventually(async () => expect(await cluster.storedRowCount(room)).toBeGreaterThan(0), { timeoutMs: 15_000 })
    await eventually(async () => expect((await api(viaProxy, 'GET', '/healthz')).status).toBe(200), { timeoutMs: 15_000 })
  })

  // proves: SCALE-7, DURABLE-2, CONFIG-7, CONFIG-8
  it('an instance killed with SIGKILL: its clients reconnect to another and every edit survives', async () => {
    const schema = `killtest_${process.pid}_${randomBytes(4).toString('hex')}`
    defer(async () => {
      const client = new pg.Client({ connectionString: postgresTestUrl() })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    })
    const secret = randomBytes(24).toString('base64url')
    const env = {
      AUTH_SECRET: secret,
      DATABASE_URL: postgresTestUrl(),
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisTestUrl(),
      REDIS_PREFIX: `${schema}:`,
      // info: the harness learns the port from the "listening" line.
      LOG_LEVEL: 'info',
    }
    const a = await spawnServer({ env })
    const b = await spawnServer({ env })
    const room = docId()
    const doc = new Y.Doc()
    const onA = await syncedClient(a, room, await a.token({ doc: room, sub: 'ann' }), { doc })
    const onB = await syncedClient(b, room, await b.token({ doc: room, sub: 'bob' }))
    const early = names(30, 'early')
    type(onA, early)
    type(onB, ['fromB;'])
    await eventually(() => expectConverged([onA, onB], [...early, 'fromB;']))
    await sleep(1_000)
    a.kill('SIGKILL')
    await a.exited
    // Typed after the crash, while disconnected: the client keeps it and sends it on reconnect.
    type(onA, ['offline;'])
    onA.destroy()
    const reconnected = await syncedClient(b, room, await b.token({ doc: room, sub: 'ann' }), { doc: new Y.Doc() })
    Y.applyUpdate(reconnected.doc, Y.encodeStateAsUpdate(doc))
    await eventually(() => expectConverged([reconnected, onB], [...early, 'fromB;', 'offline;']))

    // And it is all in the store: a fresh instance reads it back.
    const c = await spawnServer({ env })
    const fresh = await syncedClient(c, room, await c.token({ doc: room, sub: 'carol' }))
    await eventually(() => expectConverged([fresh], [...early, 'fromB;', 'offline;']))
  })
})

