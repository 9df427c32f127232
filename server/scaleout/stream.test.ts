/**
 * The HTTP transport across instances (docs/sync-protocol.md, "The HTTP
 * transport", and "Several instances"): a session on one instance and a
 * WebSocket on another are in one room, through Redis.
 */
import { expect, it } from 'vitest'
import { describeWithServices } from '../../testkit/services'
import { CloseCode } from '../../lib/closeCodes'
import { api, docId, eventually, syncedClient } from '../test/harness'
import { StreamClient, StreamDocClient } from '../test/support/stream'
import { startCluster } from './support/cluster'

await describeWithServices(['postgres', 'redis'], 'the HTTP transport over Redis', () => {
  // proves: SCALE-15
  it('a WebSocket client on A and an HTTP session on B edit together, see each other, and converge', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const ann = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann' }), { awareness: { cursor: 1 } })
    const bob = await StreamDocClient.open(b, room, await cluster.token({ doc: room, sub: 'bob' }), { awareness: { cursor: 2 } })
    await bob.waitSynced()
    ann.doc.getText('text').insert(0, 'socket on A; ')
    bob.doc.getText('text').insert(0, 'HTTP on B; ')
    await eventually(() => {
      expect(bob.text()).toBe(ann.text())
      expect(ann.text()).toContain('socket on A; ')
      expect(ann.text()).toContain('HTTP on B; ')
    })
    await eventually(() => expect(ann.provider.awareness.getStates().get(bob.doc.clientID)).toMatchObject({ cursor: 2 }))
    await eventually(() => expect(bob.awareness.getStates().get(ann.doc.clientID)).toMatchObject({ cursor: 1 }))
    // Bob's session ends on B: his presence goes on A too.
    expect(await bob.stream.end()).toBe(204)
    await eventually(() => expect(ann.provider.awareness.getStates().get(bob.doc.clientID)).toBeUndefined())
  })

  // proves: SCALE-15
  it('an access change made through A ends a session on B with 4403', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const bob = await StreamClient.open(b, room, await cluster.token({ doc: room, sub: 'bob' }))
    const admin = await cluster.token({ doc: room, sub: 'owner', access: 'admin' })
    expect((await api(a, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub: 'bob', access: 'none' }) })).status).toBe(204)
    await bob.waitEnded()
    expect(bob.closeEvent).toMatchObject({ code: CloseCode.AccessRevoked })
  })
})
