/**
 * Several instances on one PostgreSQL and one Redis (docs/sync-protocol.md,
 * "Several instances"): stock clients on different instances
 * converge with every edit present, nothing is stored twice, and access
 * changes and deletions reach every instance.
 */
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { describeWithServices } from '../../testkit/services'
import { api, connectClient, docId, eventually, parseMetrics, rawClient, syncedClient, type StockClient } from '../test/harness'
import { SAVED_REQUEST_FRAME, insertUpdate, updateFrame, type Frame } from '../test/wire'
import { annAndBob, expectConverged, startCluster } from './support/cluster'

await describeWithServices(['postgres', 'redis'], 'scale-out over Redis and PostgreSQL', () => {
  // proves: SCALE-1, SCALE-2, CONFIG-7, CONFIG-8
  it('two instances: an edit on one reaches clients of the other', async () => {
    const cluster = await startCluster({ instances: 2 })
    const { onA, onB } = await annAndBob(cluster, docId())
    onA.doc.getText('text').insert(0, 'from A ')
    onB.doc.getText('text').insert(0, 'from B ')
    await eventually(() => expectConverged([onA, onB], ['from A', 'from B']))
  })

  // proves: SCALE-1, SCALE-2
  it('three instances, two clients each, typing at once: all converge and nothing is lost', async () => {
    const cluster = await startCluster({ instances: 3 })
    const room = docId()
    const clients: StockClient[] = []
    for (const instance of cluster.instances) {
      for (let i = 0; i < 2; i++) {
        const sub = `${instance.name}${i}`
        clients.push(await syncedClient(instance, room, await cluster.token({ doc: room, sub })))
      }
    }
    const words: string[] = []
    for (let round = 0; round < 15; round++) {
      clients.forEach((client, index) => {
        const word = `w${index}r${round};`
        words.push(word)
        const text = client.doc.getText('text')
        // At either end, so no insert splits another word and each word stays findable.
        text.insert(Math.random() < 0.5 ? 0 : text.length, word)
      })
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await eventually(() => expectConverged(clients, words), { timeoutMs: 15_000 })
  })

  // proves: SCALE-4
  it('stores each update once, on the instance that received it', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const writer = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann' }))
    const reader = await syncedClient(b, room, await cluster.token({ doc: room, sub: 'bob' }))
    for (let i = 0; i < 10; i++) writer.doc.getText('text').insert(0, `${i}`)
    await eventually(() => expect(reader.text()).toHaveLength(10))
    // Each insert above was its own transaction, hence its own update: ten rows, not twenty.
    await eventually(async () => expect(await cluster.storedRowCount(room)).toBe(10))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await cluster.storedRowCount(room)).toBe(10)
  })

  // proves: SCALE-2, PRESENCE-1, PRESENCE-4
  it('relays presence across instances, and removes it everywhere when the connection closes', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const ann = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann' }), { awareness: { user: { name: 'Ann' } } })
    const bob = await syncedClient(b, room, await cluster.token({ doc: room, sub: 'bob' }), { awareness: { user: { name: 'Bob' } } })
    const names = (client: StockClient) =>
      [...client.provider.awareness.getStates().values()].map((state) => (state as { user?: { name: string } }).user?.name).filter(Boolean).sort()
    await eventually(() => expect(names(bob)).toEqual(['Ann', 'Bob']))
    await eventually(() => expect(names(ann)).toEqual(['Ann', 'Bob']))
    ann.provider.disconnect()
    await eventually(() => expect(names(bob)).toEqual(['Bob']))
  })

  // proves: SCALE-6, CONFIG-8
  it('subscribes a room only while it is loaded', async () => {
    const cluster = await startCluster({ instances: 1, limits: { roomIdleMs: 100 } })
    const [a] = cluster.instances
    const room = docId()
    const client = await syncedClient(a, room, await cluster.token({ doc: room }))
    expect(await cluster.subscribedChannels()).toEqual([`${cluster.prefix}room:${room}`])
    client.destroy()
    await eventually(async () => expect(await cluster.subscribedChannels()).toEqual([]))
  })

  // proves: SCALE-3
  it('a client joining on B while A is mid-edit converges with every edit', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const writer = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann' }))
    let typed = 0
    const typing = (async () => {
      for (; typed < 300; typed++) {
        writer.doc.getText('text').insert(writer.doc.getText('text').length, 'x')
        if (typed % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    // Join B while A is still applying, publishing and storing those edits.
    await new Promise((resolve) => setTimeout(resolve, 1))
    const joiner = connectClient(b, room, await cluster.token({ doc: room, sub: 'bob' }))
    await typing
    await joiner.waitSynced()
    await eventually(() => expect(joiner.text()).toBe('x'.repeat(300)))
  })

  // proves: SCALE-3
  it('a room loading on B while A publishes a burst ends with the whole burst', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const writer = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann' }))
    const joinerToken = await cluster.token({ doc: room, sub: 'bob' })
    // Start B's load first, then publish from A before B has finished loading and subscribing.
    const joiner = connectClient(b, room, joinerToken)
    for (let i = 0; i < 200; i++) writer.doc.getText('text').insert(i, 'y')
    await joiner.waitSynced()
    await eventually(() => expect(joiner.text()).toBe('y'.repeat(200)))
  })

  // proves: SCALE-5, API-8, API-9
  it('an access change made through one instance applies to connections on every instance', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const admin = await cluster.token({ doc: room, sub: 'owner', access: 'admin' })
    const owner = await syncedClient(a, room, admin)
    const bob = await syncedClient(b, room, await cluster.token({ doc: room, sub: 'bob', access: 'write' }))
    bob.doc.getText('text').insert(0, 'before ')
    await eventually(() => expect(owner.text()).toBe('before '))

    const readOnly = await api(a, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub: 'bob', access: 'read' }) })
    expect(readOnly.status).toBe(204)
    // Wait until B has applied it: Bob's next edit must not reach anyone.
    await eventually(async () => {
      const probe = new Y.Doc()
      Y.applyUpdate(probe, (await api(b, 'GET', `/docs/${room}/update`, { token: admin })).bytes)
      expect(probe.getText('text').toString()).toBe('before ')
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    bob.doc.getText('text').insert(0, 'after ')
    owner.doc.getText('text').insert(owner.text().length, 'owner')
    await eventually(() => expect(bob.text()).toContain('owner'))
    expect(owner.text()).toBe('before owner')

    const revoke = await api(a, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub: 'bob', access: 'none' }) })
    expect(revoke.status).toBe(204)
    await eventually(() => expect(bob.closeCodes).toContain(4403))
  })

  // proves: SCALE-5, API-5
  it('a deletion made through one instance closes connections on every instance with 4404', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const admin = await cluster.token({ doc: room, sub: 'owner', access: 'admin' })
    const onB = await syncedClient(b, room, await cluster.token({ doc: room, sub: 'bob' }))
    onB.doc.getText('text').insert(0, 'doomed')
    await eventually(async () => expect(await cluster.storedRowCount(room)).toBeGreaterThan(0))
    const response = await api(a, 'DELETE', `/docs/${room}`, { token: admin })
    expect(response.status).toBe(204)
    await eventually(() => expect(onB.closeCodes).toContain(4404))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await cluster.storedRowCount(room)).toBe(0)
  })

  // proves: SAVED-2, SCALE-4
  it('a write stored by another instance is acknowledged to this instance\'s clients too', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const onA = await rawClient(a, room, await cluster.token({ doc: room, sub: 'ann' }))
    await onA.send(SAVED_REQUEST_FRAME)
    await onA.waitFor((frame) => frame.type === 100)
    const onB = await rawClient(b, room, await cluster.token({ doc: room, sub: 'bob' }))
    // Only B stores this edit (SCALE-4), and A writes nothing afterwards: A's client learns of it from B.
    const { update, doc } = insertUpdate('stored by B', { clientID: 31_000_001 })
    await onB.send(updateFrame(update))
    const clock = doc.getText('text').length // one client, inserts only: its clock is its character count
    const acked = (frame: Frame) => frame.type === 100 && frame.stateVector.get(doc.clientID) === clock
    await onA.waitFor(acked, { timeoutMs: 5000 })
    expect(await cluster.storedRowCount(room)).toBe(1)
  })

  // proves: SCALE-10
  it('reports Redis and database latency in /metrics', async () => {
    const cluster = await startCluster({ instances: 1 })
    const [a] = cluster.instances
    // /healthz pings both dependencies, which records their round-trip times.
    expect((await api(a, 'GET', '/healthz')).status).toBe(200)
    const { samples } = parseMetrics((await api(a, 'GET', '/metrics')).text)
    const count = (dependency: string) =>
      samples.find((s) => s.name === 'tandem_dependency_latency_seconds_count' && s.labels.includes(`dependency="${dependency}"`))?.value
    expect(count('redis')).toBeGreaterThan(0)
    expect(count('database')).toBeGreaterThan(0)
    expect(samples.filter((s) => s.name === 'tandem_dependency_errors_total').map((s) => s.labels).sort()).toEqual([
      '{dependency="database"}',
      '{dependency="redis"}',
    ])
  })
})
