/**
 * Version history with several instances on PostgreSQL and Redis
 * (docs/sync-protocol.md, "Version history"): a restore made through one
 * instance reaches the clients of another, and versions named on one are
 * listed by the other.
 */
import { expect, it } from 'vitest'
import { describeWithServices } from '../../testkit/services'
import { api, docId, eventually, syncedClient } from '../test/harness'
import { startCluster } from './support/cluster'

await describeWithServices(['postgres', 'redis'], 'version history across instances', () => {
  // proves: HISTORY-12
  it('a restore through one instance reaches stock clients of another', async () => {
    const cluster = await startCluster({ instances: 2 })
    const [a, b] = cluster.instances
    const room = docId()
    const onA = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann', name: 'Ann' }))
    const onB = await syncedClient(b, room, await cluster.token({ doc: room, sub: 'bob', name: 'Bob' }))
    onA.doc.getText('text').insert(0, 'agreed wording')
    await eventually(() => expect(onB.text()).toBe('agreed wording'))
    await eventually(async () => expect(await cluster.storedRowCount(room)).toBe(1))
    const named = await api(b, 'POST', `/docs/${room}/versions`, {
      token: await cluster.token({ doc: room, sub: 'bob', name: 'Bob' }),
      body: JSON.stringify({ label: 'agreed' }),
    })
    expect(named.status).toBe(201)
    const version = JSON.parse(named.text) as { id: string; authors: unknown[] }
    expect(version.authors).toEqual([
      { sub: 'ann', name: 'Ann' },
      { sub: 'bob', name: 'Bob' },
    ])
    onB.doc.getText('text').insert(0, 'not ')
    await eventually(() => expect(onA.text()).toBe('not agreed wording'))
    await eventually(async () => expect(await cluster.storedRowCount(room)).toBe(2))

    const restored = await api(a, 'POST', `/docs/${room}/versions/${version.id}/restore`, {
      token: await cluster.token({ doc: room, sub: 'ann', name: 'Ann' }),
    })
    expect(restored.status).toBe(200)
    await eventually(() => expect(onB.text()).toBe('agreed wording'))
    expect(onA.text()).toBe('agreed wording')
    const listed = await api(b, 'GET', `/docs/${room}/versions`, { token: await cluster.token({ doc: room }) })
    expect((JSON.parse(listed.text) as { versions: { kind: string }[] }).versions.map((v) => v.kind)).toEqual(['restore', 'auto', 'named'])
  })
})
