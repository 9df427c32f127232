import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { addUser, testDatabaseKinds } = await import('../../../testkit/appDb')
const store = await import('./store')
const ops = await import('../operations')
const documents = await import('../documents')
const sharing = await import('../sharing')
import type { SyncAdmin } from '../syncAdmin'

const quietSync: SyncAdmin = { deleteDocument: async () => {}, setAccess: async () => {} }

describe.each(await testDatabaseKinds())('live events in the database ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  let alice: Awaited<ReturnType<typeof addUser>>
  let bob: typeof alice
  let carol: typeof alice

  beforeEach(async () => {
    t = await kind.create()
    alice = await addUser(t.db, 'Alice')
    bob = await addUser(t.db, 'Bob')
    carol = await addUser(t.db, 'Carol')
  })
  afterEach(async () => {
    await t.cleanup()
  })

  const deps = () => ({ db: t.db, sync: quietSync })
  const types = async (userId: string) => (await store.listEventsAfter(t.db, userId, 0)).map((e) => e.type)

  it('numbers several events of one user in one append in order, after what they had', async () => {
    const data = (title: string) => ({ documentId: 'd1', title })
    await store.appendEvents(t.db, [{ userId: bob.id, type: 'document.renamed', notify: false, data: data('a') }])
    const stored = await store.appendEvents(t.db, [
      { userId: carol.id, type: 'document.renamed', notify: false, data: data('b') },
      { userId: bob.id, type: 'document.renamed', notify: false, data: data('c') },
      { userId: carol.id, type: 'document.renamed', notify: false, data: data('d') },
      { userId: bob.id, type: 'document.renamed', notify: false, data: data('e') },
    ])
    expect(stored.map((s) => [s.userId, s.event.id])).toEqual([
      [carol.id, 1],
      [bob.id, 2],
      [carol.id, 2],
      [bob.id, 3],
    ])
    expect((await store.listEventsAfter(t.db, bob.id, 0)).map((e) => e.data)).toEqual([data('a'), data('c'), data('e')])
  })

  it('numbers each user’s events 1, 2, 3… even when appended concurrently', async () => {
    const data = { documentId: 'd1', title: 'T' }
    await Promise.all(
      Array.from({ length: 20 }, () => store.appendEvents(t.db, [{ userId: bob.id, type: 'document.renamed', notify: false, data }])),
    )
    const events = await store.listEventsAfter(t.db, bob.id, 0)
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect((await store.listEventsAfter(t.db, bob.id, 18)).map((e) => e.id)).toEqual([19, 20])
    expect(await store.lastEventId(t.db, bob.id)).toBe(20)
    expect(await store.lastEventId(t.db, carol.id)).toBe(0)
  })

  it('tells the person affected by a share, a role change and a removal, and no one else', async () => {
    const doc = await documents.createDocument(t.db, alice.id, 'Plan')
    await ops.invite(deps(), alice.id, doc.id, bob.email, 'editor')
    await ops.invite(deps(), alice.id, doc.id, bob.email, 'editor') // the same role again: nothing new
    await ops.changeRole(deps(), alice.id, doc.id, bob.id, 'viewer')
    await ops.removeMember(deps(), alice.id, doc.id, bob.id)
    expect(await types(bob.id)).toEqual(['document.shared', 'document.role-changed', 'document.unshared'])
    expect(await types(alice.id)).toEqual([])

    const bell = await store.listNotifications(t.db, bob.id)
    expect(bell.unread).toBe(3)
    expect(bell.items[2]).toMatchObject({ type: 'document.shared', read: false, data: { title: 'Plan', role: 'editor', by: { name: 'Alice' } } })

    await store.markNotificationsRead(t.db, bob.id, bell.items[1].id)
    expect((await store.listNotifications(t.db, bob.id)).unread).toBe(1)
    await store.markNotificationsRead(t.db, bob.id)
    expect((await store.listNotifications(t.db, bob.id)).unread).toBe(0)
  })

  it('sends a rename to everyone with access, and a delete as a notification to all but the one deleting', async () => {
    const doc = await documents.createDocument(t.db, alice.id, 'Plan')
    await sharing.setMembership(t.db, doc.id, bob.id, 'editor')
    await ops.rename(deps(), bob.id, doc.id, 'Plan B')
    await ops.rename(deps(), bob.id, doc.id, 'Plan B') // unchanged: no event
    expect(await types(alice.id)).toEqual(['document.renamed'])
    expect(await types(bob.id)).toEqual(['document.renamed'])
    expect(await types(carol.id)).toEqual([])

    await ops.deleteDocument(deps(), alice.id, doc.id)
    expect(await types(bob.id)).toEqual(['document.renamed', 'document.deleted'])
    expect((await store.listNotifications(t.db, bob.id)).items[0]).toMatchObject({ type: 'document.deleted', data: { title: 'Plan B' } })
    expect((await store.listNotifications(t.db, alice.id)).unread).toBe(0)
  })

  it('announces edits at most once per document per 10 s', async () => {
    const doc = await documents.createDocument(t.db, alice.id, 'Plan')
    const now = Date.now()
    expect(await store.claimEditedEvent(t.db, doc.id, now)).toBe(true)
    expect(await store.claimEditedEvent(t.db, doc.id, now + 9_999)).toBe(false)
    expect(await store.claimEditedEvent(t.db, doc.id, now + 10_000)).toBe(true)

    const other = await documents.createDocument(t.db, alice.id, 'Other')
    await sharing.setMembership(t.db, other.id, bob.id, 'editor')
    await ops.markEdited(deps(), bob.id, other.id)
    await ops.markEdited(deps(), alice.id, other.id)
    const events = await store.listEventsAfter(t.db, alice.id, 0)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'document.edited', data: { documentId: other.id, by: { id: bob.id, name: 'Bob' } } })
  })

  it('prunes events after 30 days and never reuses their ids', async () => {
    await store.appendEvents(t.db, [{ userId: bob.id, type: 'document.renamed', notify: false, data: { documentId: 'd', title: 'T' } }])
    expect(await store.pruneEvents(t.db, Date.now() + store.EVENT_RETENTION_MS + 1_000)).toBe(1)
    const [next] = await store.appendEvents(t.db, [{ userId: bob.id, type: 'document.renamed', notify: false, data: { documentId: 'd', title: 'U' } }])
    expect(next.event.id).toBe(2)
  })
})
