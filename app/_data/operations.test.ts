import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { addUser, testDatabaseKinds } = await import('../../testkit/appDb')
const ops = await import('./operations')
const documents = await import('./documents')
const sharing = await import('./sharing')
const { issueAccessToken } = await import('./accessToken')
const { verifyAccessToken, secretKey } = await import('@/lib/token')
import type { SyncAdmin } from './syncAdmin'

/** Records what would have been sent to the sync server. */
function fakeSync(): SyncAdmin & { calls: string[]; failNext?: boolean } {
  const fake = {
    calls: [] as string[],
    failNext: false,
    async deleteDocument(documentId: string, actorId: string) {
      if (fake.failNext) throw new Error('connect ECONNREFUSED')
      fake.calls.push(`delete ${documentId} by ${actorId}`)
    },
    async setAccess(documentId: string, actorId: string, userId: string, access: string) {
      if (fake.failNext) throw new Error('connect ECONNREFUSED')
      fake.calls.push(`access ${documentId} ${userId}=${access} by ${actorId}`)
    },
  }
  return fake
}

describe.each(await testDatabaseKinds())('document operations and who may do them ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  let sync: ReturnType<typeof fakeSync>
  let deps: { db: typeof t.db; sync: SyncAdmin }
  let owner: { id: string; email: string; name: string }
  let editor: typeof owner
  let viewer: typeof owner
  let stranger: typeof owner
  let docId: string

  beforeEach(async () => {
    t = await kind.create()
    sync = fakeSync()
    deps = { db: t.db, sync }
    owner = await addUser(t.db, 'Olive')
    editor = await addUser(t.db, 'Eddie')
    viewer = await addUser(t.db, 'Vera')
    stranger = await addUser(t.db, 'Sam')
    docId = (await documents.createDocument(t.db, owner.id, 'Plan')).id
    await sharing.setMembership(t.db, docId, editor.id, 'editor')
    await sharing.setMembership(t.db, docId, viewer.id, 'viewer')
    sync.calls.length = 0
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('gives each person their role, and none to strangers', async () => {
    expect(await documents.getRole(t.db, docId, owner.id)).toBe('owner')
    expect(await documents.getRole(t.db, docId, editor.id)).toBe('editor')
    expect(await documents.getRole(t.db, docId, viewer.id)).toBe('viewer')
    expect(await documents.getRole(t.db, docId, stranger.id)).toBeNull()
    expect(await documents.getRole(t.db, 'no-such-doc', owner.id)).toBeNull()
  })

  it('mints tokens with read for viewers, write for editors, admin for the owner, none for strangers', async () => {
    const secret = 'operations-test-secret-of-32-bytes'
    const accessOf = async (user: typeof owner) => {
      const issued = await issueAccessToken(t.db, secret, user, docId)
      if (!issued) return null
      const verified = await verifyAccessToken(secretKey(secret), issued.token)
      expect(verified.ok && verified.token.doc === docId && verified.token.sub === user.id).toBe(true)
      expect(issued.expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000)
      return verified.ok ? verified.token.access : 'invalid'
    }
    expect(await accessOf(owner)).toBe('admin')
    expect(await accessOf(editor)).toBe('write')
    expect(await accessOf(viewer)).toBe('read')
    expect(await accessOf(stranger)).toBeNull()
  })

  it('lets owners and editors rename, but not viewers or strangers', async () => {
    expect(await ops.rename(deps, editor.id, docId, '  Q3   plan ')).toEqual({ ok: true, value: 'Q3 plan' })
    expect(await ops.rename(deps, owner.id, docId, '')).toEqual({ ok: true, value: 'Untitled' })
    expect(await ops.rename(deps, viewer.id, docId, 'Mine')).toMatchObject({ ok: false })
    expect(await ops.rename(deps, stranger.id, docId, 'Mine')).toEqual({ ok: false, error: ops.NO_ACCESS })
    expect((await documents.findDocument(t.db, docId))?.title).toBe('Untitled')
  })

  it('lets only the owner delete, and deletes the content on the sync server first', async () => {
    for (const user of [editor, viewer, stranger]) {
      expect(await ops.deleteDocument(deps, user.id, docId)).toMatchObject({ ok: false })
    }
    expect(sync.calls).toEqual([])
    expect(await ops.deleteDocument(deps, owner.id, docId)).toEqual({ ok: true, value: undefined })
    expect(sync.calls).toEqual([`delete ${docId} by ${owner.id}`])
    expect(await documents.findDocument(t.db, docId)).toBeNull()
    expect(await sharing.listShareLinks(t.db, docId)).toEqual([])
    expect(await documents.listDocumentsForUser(t.db, editor.id)).toEqual([])
  })

  it('keeps the document when the sync server cannot delete its content', async () => {
    sync.failNext = true
    const result = await ops.deleteDocument(deps, owner.id, docId)
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/not deleted/) })
    expect(await documents.findDocument(t.db, docId)).not.toBeNull()
  })

  it('lets only the owner share, invite by email, change and remove roles, applied live', async () => {
    expect(await ops.invite(deps, editor.id, docId, stranger.email, 'viewer')).toMatchObject({ ok: false })
    expect(await ops.invite(deps, viewer.id, docId, stranger.email, 'editor')).toMatchObject({ ok: false })
    expect(await ops.getShareState(deps, editor.id, docId)).toMatchObject({ ok: false })

    const invited = await ops.invite(deps, owner.id, docId, stranger.email.toUpperCase(), 'viewer')
    expect(invited.ok && invited.value.members.map((m) => [m.name, m.role])).toEqual([
      ['Olive', 'owner'],
      ['Eddie', 'editor'],
      ['Sam', 'viewer'],
      ['Vera', 'viewer'],
    ])
    expect(sync.calls).toEqual([`access ${docId} ${stranger.id}=read by ${owner.id}`])

    await ops.changeRole(deps, owner.id, docId, editor.id, 'viewer')
    await ops.removeMember(deps, owner.id, docId, viewer.id)
    expect(sync.calls.slice(1)).toEqual([
      `access ${docId} ${editor.id}=read by ${owner.id}`,
      `access ${docId} ${viewer.id}=none by ${owner.id}`,
    ])
    expect(await documents.getRole(t.db, docId, editor.id)).toBe('viewer')
    expect(await documents.getRole(t.db, docId, viewer.id)).toBeNull()
  })

  it('invites an address without an account as a pending invitation, revocable and role changeable, owner only', async () => {
    const invited = await ops.invite(deps, owner.id, docId, ' Newcomer@Example.TEST ', 'viewer')
    expect(invited.ok && invited.value.invitations.map((i) => [i.email, i.role])).toEqual([['newcomer@example.test', 'viewer']])
    expect(invited.ok && invited.value.members.map((m) => m.name)).toEqual(['Olive', 'Eddie', 'Vera'])
    const invitationId = invited.ok ? invited.value.invitations[0].id : ''
    expect(await ops.changeInvitationRole(deps, editor.id, docId, invitationId, 'editor')).toMatchObject({ ok: false })
    expect(await ops.revokeInvitation(deps, viewer.id, docId, invitationId)).toMatchObject({ ok: false })
    const changed = await ops.changeInvitationRole(deps, owner.id, docId, invitationId, 'editor')
    expect(changed.ok && changed.value.invitations.map((i) => i.role)).toEqual(['editor'])
    const revoked = await ops.revokeInvitation(deps, owner.id, docId, invitationId)
    expect(revoked.ok && revoked.value.invitations).toEqual([])
    expect(sync.calls).toEqual([])
  })

  it('explains invites it cannot do', async () => {
    expect(await ops.invite(deps, owner.id, docId, 'not an address', 'viewer')).toMatchObject({ ok: false, error: 'Enter a valid email address.' })
    expect(await ops.invite(deps, owner.id, docId, owner.email, 'viewer')).toMatchObject({ ok: false })
    expect(await ops.changeRole(deps, owner.id, docId, owner.id, 'viewer')).toMatchObject({ ok: false })
    expect(await ops.removeMember(deps, owner.id, docId, owner.id)).toMatchObject({ ok: false })
  })

  it('keeps a role change when the sync server is down, with a warning', async () => {
    sync.failNext = true
    const result = await ops.changeRole(deps, owner.id, docId, editor.id, 'viewer')
    expect(result).toMatchObject({ ok: true, warning: expect.stringMatching(/reconnect/) })
    expect(await documents.getRole(t.db, docId, editor.id)).toBe('viewer')
  })

  it('share links grant their role on redemption, never lower anyone, and stop working once revoked', async () => {
    const created = await ops.createLink(deps, owner.id, docId, 'editor')
    expect(await ops.createLink(deps, editor.id, docId, 'editor')).toMatchObject({ ok: false })
    const token = created.ok ? created.value.links[0].token : ''
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/)

    expect(await sharing.redeemShareLink(t.db, token, stranger.id)).toEqual({ documentId: docId, role: 'editor' })
    expect(await sharing.redeemShareLink(t.db, token, viewer.id)).toEqual({ documentId: docId, role: 'editor' })
    expect(await sharing.redeemShareLink(t.db, token, owner.id)).toEqual({ documentId: docId, role: 'owner' })

    const viewLink = await sharing.createShareLink(t.db, docId, 'viewer', owner.id)
    expect(await sharing.redeemShareLink(t.db, viewLink.token, editor.id)).toEqual({ documentId: docId, role: 'editor' })

    expect(await ops.revokeLink(deps, viewer.id, docId, token)).toMatchObject({ ok: false })
    const revoked = await ops.revokeLink(deps, owner.id, docId, token)
    expect(revoked.ok && revoked.value.links.map((l) => l.role)).toEqual(['viewer'])
    const latecomer = await addUser(t.db, 'Lou')
    expect(await sharing.redeemShareLink(t.db, token, latecomer.id)).toBeNull()
    expect(await documents.getRole(t.db, docId, stranger.id)).toBe('editor')
  })

  // proves: COMMENTS-2
  it('a commenter, by invitation, role change or link, gets a read token and may not rename; a comment link never lowers an editor', async () => {
    const secret = 'operations-test-secret-of-32-bytes'
    const accessOf = async (userId: string) => {
      const user = [owner, editor, viewer, stranger].find((u) => u.id === userId)!
      const issued = await issueAccessToken(t.db, secret, user, docId)
      const verified = issued ? await verifyAccessToken(secretKey(secret), issued.token) : null
      return verified?.ok ? verified.token.access : null
    }
    await ops.changeRole(deps, owner.id, docId, viewer.id, 'commenter')
    expect(sync.calls).toEqual([`access ${docId} ${viewer.id}=read by ${owner.id}`])
    expect(await documents.getRole(t.db, docId, viewer.id)).toBe('commenter')
    expect(await accessOf(viewer.id)).toBe('read')
    expect(await ops.rename(deps, viewer.id, docId, 'Mine')).toMatchObject({ ok: false })

    const invited = await ops.invite(deps, owner.id, docId, stranger.email, 'commenter')
    expect(invited.ok && invited.value.members.find((m) => m.userId === stranger.id)?.role).toBe('commenter')

    const created = await ops.createLink(deps, owner.id, docId, 'commenter')
    const link = created.ok ? created.value.links.find((l) => l.role === 'commenter') : undefined
    expect(link).toBeDefined()
    const lou = await addUser(t.db, 'Lou')
    expect(await sharing.redeemShareLink(t.db, link!.token, lou.id)).toEqual({ documentId: docId, role: 'commenter' })
    expect(await sharing.redeemShareLink(t.db, link!.token, editor.id)).toEqual({ documentId: docId, role: 'editor' })
    const viewLink = await sharing.createShareLink(t.db, docId, 'viewer', owner.id)
    expect(await sharing.redeemShareLink(t.db, viewLink.token, lou.id)).toEqual({ documentId: docId, role: 'commenter' })
  })

  it('describes a share link without using it, and says when joining would add nothing', async () => {
    const { token } = await sharing.createShareLink(t.db, docId, 'editor', owner.id)
    await documents.renameDocument(t.db, docId, 'Plans')

    const forStranger = await sharing.describeShareLink(t.db, token, stranger.id)
    expect(forStranger).toEqual({ documentId: docId, title: 'Plans', ownerName: owner.name, role: 'editor', currentRole: null })
    expect(sharing.joiningGrantsMore('editor', forStranger!.currentRole)).toBe(true)
    // Reading it changed nothing.
    expect(await documents.getRole(t.db, docId, stranger.id)).toBeNull()

    expect((await sharing.describeShareLink(t.db, token, viewer.id))?.currentRole).toBe('viewer')
    expect(sharing.joiningGrantsMore('editor', 'viewer')).toBe(true)
    expect((await sharing.describeShareLink(t.db, token, editor.id))?.currentRole).toBe('editor')
    expect(sharing.joiningGrantsMore('editor', 'editor')).toBe(false)
    expect(sharing.joiningGrantsMore('viewer', 'owner')).toBe(false)
    expect((await sharing.describeShareLink(t.db, token, owner.id))?.currentRole).toBe('owner')

    await sharing.revokeShareLink(t.db, docId, token)
    expect(await sharing.describeShareLink(t.db, token, stranger.id)).toBeNull()
  })

  it('lists my documents and those shared with me, newest edit first, with owner names', async () => {
    const older = await documents.createDocument(t.db, editor.id, 'Eddie’s notes')
    await new Promise((r) => setTimeout(r, 5))
    await ops.markEdited(deps, editor.id, docId)
    expect(await ops.markEdited(deps, viewer.id, docId)).toMatchObject({ ok: false })
    const list = await documents.listDocumentsForUser(t.db, editor.id)
    expect(list.map((d) => [d.title, d.ownerName, d.role])).toEqual([
      ['Plan', 'Olive', 'editor'],
      ['Eddie’s notes', 'Eddie', 'owner'],
    ])
    expect(list[1].id).toBe(older.id)
    expect(await documents.listDocumentsForUser(t.db, stranger.id)).toEqual([])
  })
})
