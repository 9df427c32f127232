import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'

vi.mock('server-only', () => ({}))

const { addUser, testDatabaseKinds } = await import('../../testkit/appDb')
const ops = await import('./commentOperations')
const documents = await import('./documents')
const sharing = await import('./sharing')
const { countOpenThreads } = await import('./comments')
const { deleteAccount } = await import('./accountDeletion')
const { MemoryBus } = await import('./events/bus')
const { parseMentions } = await import('./commentNotifications')
import type { SyncAdmin } from './syncAdmin'

/** A real anchor: relative positions in a real Y.Doc around "brown fox". */
function realAnchor(): { start: string; end: string } {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  text.insert(0, 'the quick brown fox')
  const encode = (index: number, assoc: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, assoc))).toString('base64')
  return { start: encode(10, 0), end: encode(19, -1) }
}

describe.each(await testDatabaseKinds())('comment threads and who may do what ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  let deps: { db: typeof t.db }
  let owner: { id: string; name: string; email: string }
  let editor: typeof owner
  let commenter: typeof owner
  let viewer: typeof owner
  let stranger: typeof owner
  let docId: string
  const newThread = (body = 'Is this right?') => ({ anchor: realAnchor(), quote: 'brown fox', body })

  beforeEach(async () => {
    t = await kind.create()
    deps = { db: t.db }
    owner = await addUser(t.db, 'Olive')
    editor = await addUser(t.db, 'Eddie')
    commenter = await addUser(t.db, 'Carol')
    viewer = await addUser(t.db, 'Vera')
    stranger = await addUser(t.db, 'Sam')
    docId = (await documents.createDocument(t.db, owner.id, 'Plan')).id
    await sharing.setMembership(t.db, docId, editor.id, 'editor')
    await sharing.setMembership(t.db, docId, commenter.id, 'commenter')
    await sharing.setMembership(t.db, docId, viewer.id, 'viewer')
  })
  afterEach(async () => {
    await t.cleanup()
  })

  // proves: COMMENTS-3
  it('lets commenters, editors and the owner start threads and reply; refuses viewers (403) and strangers (404)', async () => {
    const created = await ops.createThread(deps, commenter.id, docId, newThread('Line one\r\nline two  '))
    expect(created).toMatchObject({
      ok: true,
      value: { documentId: docId, quote: 'brown fox', resolved: null, comments: [{ author: { id: commenter.id, name: 'Carol' }, body: 'Line one\nline two', editedAt: null }] },
    })
    const threadId = created.ok ? created.value.id : ''
    expect(await ops.reply(deps, editor.id, docId, threadId, { body: 'Yes' })).toMatchObject({ ok: true })
    expect(await ops.reply(deps, owner.id, docId, threadId, { body: 'Agreed' })).toMatchObject({ ok: true })

    expect(await ops.createThread(deps, viewer.id, docId, newThread())).toMatchObject({ ok: false, status: 403 })
    expect(await ops.reply(deps, viewer.id, docId, threadId, { body: 'Me too' })).toMatchObject({ ok: false, status: 403 })
    expect(await ops.setResolved(deps, viewer.id, docId, threadId, { resolved: true })).toMatchObject({ ok: false, status: 403 })
    expect(await ops.createThread(deps, stranger.id, docId, newThread())).toMatchObject({ ok: false, status: 404 })
    expect(await ops.reply(deps, stranger.id, docId, threadId, { body: 'Hi' })).toMatchObject({ ok: false, status: 404 })

    const listed = await ops.listThreads(deps, viewer.id, docId)
    expect(listed.ok && listed.value.map((thread) => thread.comments.map((c) => [c.author.name, c.body]))).toEqual([
      [
        ['Carol', 'Line one\nline two'],
        ['Eddie', 'Yes'],
        ['Olive', 'Agreed'],
      ],
    ])
  })

  // proves: COMMENTS-4
  it('lets nobody read the comments of a document they cannot read', async () => {
    const created = await ops.createThread(deps, editor.id, docId, newThread())
    const threadId = created.ok ? created.value.id : ''
    expect(await ops.listThreads(deps, stranger.id, docId)).toMatchObject({ ok: false, status: 404 })
    expect(await ops.getThread(deps, stranger.id, docId, threadId)).toMatchObject({ ok: false, status: 404 })
    // A thread id from one document is not found through another the caller can read.
    const other = (await documents.createDocument(t.db, stranger.id, 'Other')).id
    expect(await ops.getThread(deps, stranger.id, other, threadId)).toMatchObject({ ok: false, status: 404 })
    await sharing.removeMembership(t.db, docId, editor.id)
    expect(await ops.listThreads(deps, editor.id, docId)).toMatchObject({ ok: false, status: 404 })
  })

  // proves: COMMENTS-5
  it('lets authors edit their own comments only, and authors or the owner delete them; the opening comment takes its thread', async () => {
    const created = await ops.createThread(deps, commenter.id, docId, newThread())
    const threadId = created.ok ? created.value.id : ''
    const replied = await ops.reply(deps, editor.id, docId, threadId, { body: 'Reply' })
    const [opening, reply] = replied.ok ? replied.value.comments : []

    expect(await ops.editComment(deps, editor.id, docId, opening.id, { body: 'Hijack' })).toMatchObject({ ok: false, status: 403 })
    expect(await ops.editComment(deps, owner.id, docId, opening.id, { body: 'Hijack' })).toMatchObject({ ok: false, status: 403 })
    const edited = await ops.editComment(deps, commenter.id, docId, opening.id, { body: 'Is this right, really?' })
    expect(edited.ok && edited.value.comments[0]).toMatchObject({ body: 'Is this right, really?', editedAt: expect.any(String) })

    expect(await ops.deleteComment(deps, commenter.id, docId, reply.id)).toMatchObject({ ok: false, status: 403 })
    expect(await ops.deleteComment(deps, viewer.id, docId, reply.id)).toMatchObject({ ok: false, status: 403 })
    const afterOwner = await ops.deleteComment(deps, owner.id, docId, reply.id)
    expect(afterOwner.ok && afterOwner.value?.comments.map((c) => c.body)).toEqual(['Is this right, really?'])
    expect(await ops.deleteComment(deps, owner.id, docId, reply.id)).toMatchObject({ ok: false, status: 404 })

    await ops.reply(deps, editor.id, docId, threadId, { body: 'Another' })
    expect(await ops.deleteComment(deps, commenter.id, docId, opening.id)).toEqual({ ok: true, value: null })
    expect(await ops.listThreads(deps, owner.id, docId)).toEqual({ ok: true, value: [] })
    expect(await t.db.selectFrom('comments').selectAll().execute()).toEqual([])
  })

  // proves: COMMENTS-6
  it('resolves and reopens, records who resolved, and counts open threads per document', async () => {
    const a = await ops.createThread(deps, editor.id, docId, newThread('A'))
    await ops.createThread(deps, editor.id, docId, newThread('B'))
    const threadId = a.ok ? a.value.id : ''
    const resolved = await ops.setResolved(deps, owner.id, docId, threadId, { resolved: true })
    expect(resolved.ok && resolved.value.resolved).toMatchObject({ by: { id: owner.id, name: 'Olive' }, at: expect.any(String) })
    expect((await countOpenThreads(t.db, [docId])).get(docId)).toBe(1)
    expect((await documents.listDocumentsForUser(t.db, viewer.id)).map((d) => d.openThreads)).toEqual([1])
    const reopened = await ops.setResolved(deps, commenter.id, docId, threadId, { resolved: false })
    expect(reopened.ok && reopened.value.resolved).toBeNull()
    expect((await countOpenThreads(t.db, [docId])).get(docId)).toBe(2)
  })

  // proves: COMMENTS-20
  it('lets editors and the owner move a thread’s anchor, refuses commenters and viewers (403) and strangers (404), and checks the anchor', async () => {
    const bus = new MemoryBus()
    const live = { db: t.db, bus }
    const created = await ops.createThread(live, commenter.id, docId, newThread())
    const threadId = created.ok ? created.value.id : ''
    const moved = realAnchor()
    moved.end = moved.start
    for (const who of [editor, owner]) {
      const result = await ops.updateThread(live, who.id, docId, threadId, { anchor: moved })
      expect(result.ok && result.value.anchor, who.name).toEqual(moved)
    }
    const events = await t.db.selectFrom('user_events').select(['user_id', 'data']).where('type', '=', 'comment.changed').execute()
    expect(events.filter((row) => row.user_id === commenter.id && JSON.parse(row.data).change === 'moved')).toHaveLength(2)
    expect(await ops.updateThread(live, commenter.id, docId, threadId, { anchor: realAnchor() })).toMatchObject({ ok: false, status: 403 })
    expect(await ops.updateThread(live, viewer.id, docId, threadId, { anchor: realAnchor() })).toMatchObject({ ok: false, status: 403 })
    expect(await ops.updateThread(live, stranger.id, docId, threadId, { anchor: realAnchor() })).toMatchObject({ ok: false, status: 404 })
    for (const bad of [{ start: 'not base64!', end: 'AA==' }, { start: 'A'.repeat(600), end: 'AA==' }, { start: 'AAAA', end: 'AAAA' }, 'x', null]) {
      expect(await ops.updateThread(live, editor.id, docId, threadId, { anchor: bad }), JSON.stringify(bad)).toMatchObject({ ok: false, status: 400 })
    }
    expect(await ops.updateThread(live, editor.id, docId, threadId, { anchor: realAnchor(), resolved: true })).toMatchObject({ ok: false, status: 400 })
    expect(await ops.updateThread(live, editor.id, docId, 'nothread', { anchor: realAnchor() })).toMatchObject({ ok: false, status: 404 })
    // Nothing refused was stored; resolve still works through the same PATCH.
    const now = await ops.getThread(live, owner.id, docId, threadId)
    expect(now.ok && now.value.anchor).toEqual(moved)
    expect(await ops.updateThread(live, commenter.id, docId, threadId, { resolved: true })).toMatchObject({ ok: true })
  })

  // proves: COMMENTS-7
  it('refuses bad input with a clear 400 and stores nothing', async () => {
    const bad: unknown[] = [
      null,
      'text',
      { ...newThread(), body: '' },
      { ...newThread(), body: '   \n ' },
      { ...newThread(), body: 'x'.repeat(10_001) },
      { ...newThread(), body: 42 },
      { ...newThread(), anchor: { start: 'not base64!', end: realAnchor().end } },
      { ...newThread(), anchor: { start: 'AA==', end: 'AA==' } },
      { ...newThread(), anchor: { start: 'A'.repeat(600), end: realAnchor().end } },
      { ...newThread(), quote: 'q'.repeat(5_000) },
      { body: 'no anchor' },
    ]
    for (const input of bad) {
      const result = await ops.createThread(deps, editor.id, docId, input)
      expect(result, JSON.stringify(input)?.slice(0, 80)).toMatchObject({ ok: false, status: 400, error: expect.any(String) })
    }
    expect(await ops.createThread(deps, editor.id, docId, { ...newThread(), body: 'x'.repeat(10_000) })).toMatchObject({ ok: true })
    const long = await ops.createThread(deps, editor.id, docId, { ...newThread(), quote: 'q'.repeat(1_000) })
    expect(long.ok && long.value.quote.length).toBe(500)
    const threadId = long.ok ? long.value.id : ''
    expect(await ops.setResolved(deps, editor.id, docId, threadId, { resolved: 'yes' })).toMatchObject({ ok: false, status: 400 })
    expect(await ops.reply(deps, editor.id, docId, threadId, { body: '' })).toMatchObject({ ok: false, status: 400 })
    expect(await ops.reply(deps, editor.id, docId, 'no-such-thread', { body: 'Hi' })).toMatchObject({ ok: false, status: 404 })
    expect(await t.db.selectFrom('comment_threads').select('id').execute()).toHaveLength(2)
    expect(await t.db.selectFrom('comments').select('id').execute()).toHaveLength(2)
  })

  // proves: COMMENTS-8
  it('keeps the comments of a removed member with their name, and of a deleted account as "Deleted account"', async () => {
    const created = await ops.createThread(deps, commenter.id, docId, newThread())
    const threadId = created.ok ? created.value.id : ''
    await ops.reply(deps, editor.id, docId, threadId, { body: 'Reply' })
    await sharing.removeMembership(t.db, docId, commenter.id)
    const sync: SyncAdmin = { deleteDocument: async () => {}, setAccess: async () => {} }
    expect(await deleteAccount(t.db, sync, editor.id)).toMatchObject({ ok: true })
    const listed = await ops.listThreads(deps, owner.id, docId)
    expect(listed.ok && listed.value[0].comments.map((c) => c.author)).toEqual([
      { id: commenter.id, name: 'Carol' },
      { id: null, name: 'Deleted account' },
    ])
  })

  // proves: COMMENTS-9
  it('sends comment.changed to everyone with access, through the bus, for every change', async () => {
    const bus = new MemoryBus()
    const heard: string[] = []
    bus.listen((notice) => heard.push(notice.userId))
    const live = { db: t.db, bus }
    const created = await ops.createThread(live, commenter.id, docId, newThread())
    const threadId = created.ok ? created.value.id : ''
    await ops.setResolved(live, editor.id, docId, threadId, { resolved: true })
    await ops.createThread(live, viewer.id, docId, newThread()) // refused: no event
    const rows = await t.db.selectFrom('user_events').select(['user_id', 'type', 'data', 'notify']).where('type', '=', 'comment.changed').execute()
    const forOwner = rows.filter((row) => row.user_id === owner.id).map((row) => JSON.parse(row.data))
    expect(forOwner).toEqual([
      { documentId: docId, threadId, change: 'created', by: { id: commenter.id, name: 'Carol' } },
      { documentId: docId, threadId, change: 'resolved', by: { id: editor.id, name: 'Eddie' } },
    ])
    expect(new Set(rows.map((row) => row.user_id))).toEqual(new Set([owner.id, editor.id, commenter.id, viewer.id]))
    expect(rows.every((row) => Number(row.notify) === 0)).toBe(true)
    expect(new Set(heard)).toEqual(new Set([owner.id, editor.id, commenter.id, viewer.id]))
  })

  // proves: COMMENTS-17
  it('notifies the people a comment mentions and the thread’s participants, never the author or someone without access, and mails them', async () => {
    const sent: Array<{ to: string; subject: string; link: string }> = []
    const mailDeps = { db: t.db, mail: { origin: 'https://tandem.example', send: async (m: { to: string; subject: string; link: string }) => void sent.push(m) } }
    const created = await ops.createThread(mailDeps, editor.id, docId, {
      ...newThread(`@Carol and @Vera, look. @Sam too. @Eddie`),
      mentions: [commenter.id, viewer.id, stranger.id, editor.id],
    })
    const threadId = created.ok ? created.value.id : ''
    // Carol replies: Eddie (who wrote) hears comment.replied; Olive, mentioned, hears comment.mentioned only.
    await ops.reply(mailDeps, commenter.id, docId, threadId, { body: 'Sure, @Olive?', mentions: [owner.id] })
    const notes = await t.db.selectFrom('user_events').select(['user_id', 'type', 'data', 'notify']).where('type', 'in', ['comment.mentioned', 'comment.replied']).execute()
    const who = (id: string) => [owner, editor, commenter, viewer, stranger].find((u) => u.id === id)!.name
    expect(notes.map((n) => [who(n.user_id), n.type]).sort()).toEqual([
      ['Carol', 'comment.mentioned'],
      ['Eddie', 'comment.replied'],
      ['Olive', 'comment.mentioned'],
      ['Vera', 'comment.mentioned'],
    ])
    expect(notes.every((n) => Number(n.notify) === 1)).toBe(true)
    expect(JSON.parse(notes[0].data)).toEqual({ documentId: docId, threadId, title: 'Plan', by: expect.objectContaining({ id: expect.any(String) }) })
    expect(sent.map((m) => m.to).sort()).toEqual([commenter.email, editor.email, owner.email, viewer.email].sort())
    expect(sent.every((m) => m.link === `https://tandem.example/d/${docId}?thread=${threadId}`)).toBe(true)
  })

  // proves: COMMENTS-18
  it('parses mentions: only requested people whose @Name is in the text, the longer name first', () => {
    const people = [
      { id: 'ann', name: 'Ann' },
      { id: 'annlee', name: 'Ann Lee' },
      { id: 'bo', name: 'Bo' },
    ]
    expect(parseMentions('Hi @Ann Lee', ['ann', 'annlee'], people)).toEqual(['annlee'])
    expect(parseMentions('Hi @Ann Lee and @Ann', ['ann', 'annlee'], people).sort()).toEqual(['ann', 'annlee'])
    expect(parseMentions('Hi @Bo', [], people)).toEqual([])
    expect(parseMentions('Hi Bo', ['bo'], people)).toEqual([])
    expect(parseMentions('@Bo', ['bo', 'nobody'], people)).toEqual(['bo'])
  })

  it('offers the people with access for mentions, to those who may comment', async () => {
    const offered = await ops.mentionCandidates(deps, commenter.id, docId)
    expect(offered.ok && offered.value.map((p) => p.name).sort()).toEqual(['Eddie', 'Olive', 'Vera'])
    expect(await ops.mentionCandidates(deps, viewer.id, docId)).toMatchObject({ ok: false, status: 403 })
    expect(await ops.mentionCandidates(deps, stranger.id, docId)).toMatchObject({ ok: false, status: 404 })
  })
})
