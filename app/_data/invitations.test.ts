import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { addUser, testDatabaseKinds } = await import('../../testkit/appDb')
const { createDocument, getRole } = await import('./documents')
const { setMembership } = await import('./sharing')
const invitations = await import('./invitations')
const { deleteAccount, listOwnedDocuments } = await import('./accountDeletion')
import type { SyncAdmin } from './syncAdmin'

describe.each(await testDatabaseKinds())('invitations and account deletion ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  beforeEach(async () => {
    t = await kind.create()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('accepting gives each invited role, never lowers a higher one, and leaves nothing pending', async () => {
    const owner = await addUser(t.db, 'Olive')
    const ada = await addUser(t.db, 'Ada')
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((title) => createDocument(t.db, owner.id, title)))
    await invitations.inviteByEmail(t.db, a.id, ada.email.toUpperCase(), 'viewer', owner.id)
    await invitations.inviteByEmail(t.db, a.id, ada.email, 'editor', owner.id) // the same address again: one invitation, new role
    await invitations.inviteByEmail(t.db, b.id, ada.email, 'viewer', owner.id)
    await setMembership(t.db, b.id, ada.id, 'editor')
    await invitations.inviteByEmail(t.db, c.id, owner.email, 'viewer', owner.id)
    expect(await invitations.listInvitations(t.db, a.id)).toMatchObject([{ email: ada.email, role: 'editor' }])

    expect(await invitations.acceptInvitations(t.db, ada)).toEqual([a.id])
    expect(await getRole(t.db, a.id, ada.id)).toBe('editor')
    expect(await getRole(t.db, b.id, ada.id)).toBe('editor')
    expect(await invitations.acceptInvitations(t.db, owner)).toEqual([])
    expect(await getRole(t.db, c.id, owner.id)).toBe('owner')
    expect(await t.db.selectFrom('invitations').selectAll().execute()).toEqual([])
    // The share the invitation became reaches Ada like any other: one document.shared, by Olive, for A only.
    const events = await t.db.selectFrom('user_events').select(['type', 'data']).where('user_id', '=', ada.id).execute()
    expect(events.map((event) => ({ type: event.type, data: JSON.parse(event.data) }))).toEqual([
      { type: 'document.shared', data: { documentId: a.id, title: 'A', role: 'editor', by: { id: owner.id, name: 'Olive' } } },
    ])
  })

  it('deleting an account deletes its documents on the sync server first, and keeps the account when that fails', async () => {
    const olive = await addUser(t.db, 'Olive')
    const bob = await addUser(t.db, 'Bob')
    const mine = await createDocument(t.db, olive.id, 'Mine')
    const theirs = await createDocument(t.db, bob.id, 'Theirs')
    await setMembership(t.db, theirs.id, olive.id, 'editor')
    await setMembership(t.db, mine.id, bob.id, 'viewer')
    const deleted: string[] = []
    let failing = true
    const sync: SyncAdmin = {
      async deleteDocument(documentId) {
        if (failing) throw new Error('connect ECONNREFUSED')
        deleted.push(documentId)
      },
      setAccess: async () => {},
    }

    expect(await deleteAccount(t.db, sync, olive.id)).toMatchObject({ ok: false, error: expect.stringMatching(/“Mine” could not be deleted/) })
    expect(await listOwnedDocuments(t.db, olive.id)).toEqual([{ id: mine.id, title: 'Mine' }])

    failing = false
    expect(await deleteAccount(t.db, sync, olive.id)).toEqual({ ok: true, value: undefined })
    expect(deleted).toEqual([mine.id])
    expect(await t.db.selectFrom('users').select('id').where('id', '=', olive.id).executeTakeFirst()).toBeUndefined()
    expect(await t.db.selectFrom('memberships').selectAll().where('user_id', '=', olive.id).execute()).toEqual([])
    expect(await getRole(t.db, mine.id, bob.id)).toBeNull()
    expect(await getRole(t.db, theirs.id, bob.id)).toBe('owner')
  })
})
