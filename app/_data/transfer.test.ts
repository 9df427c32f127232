/**
 * Export, import and search against a real sync server (its own process) and
 * real databases: content goes in through `POST /docs/<id>/update` and comes
 * back through `GET /docs/<id>/update`, as in production.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startSyncServerProcess, type SyncServerChild } from '@/testkit/syncServerProcess'

vi.mock('server-only', () => ({}))
const { addUser, testDatabaseKinds } = await import('../../testkit/appDb')
const { createSyncContent } = await import('./syncContent')
const { createDocumentWithContent, exportDocument } = await import('./transfer')
const { importFile } = await import('./convert/formats')
const { fromMarkdown } = await import('./convert/markdown')
const { setMembership, removeMembership } = await import('./sharing')
const { touchDocument, findDocument } = await import('./documents')
const { indexStaleDocuments } = await import('./search/indexer')
const { searchDocuments } = await import('./search/searchIndex')
const { BODY_FRAGMENT } = await import('@/components/editor/engine/documentShape')

const SECRET = 'transfer-test-secret-of-at-least-32-bytes'
let server: SyncServerChild
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-transfer-test-'))
  server = await startSyncServerProcess({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_SECRET: SECRET, LOG_LEVEL: 'info' } })
})
afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const MARKDOWN = `# Quarterly plan

Ship the **importer** and the [docs](https://example.com/docs).

- [x] write tests
- [ ] celebrate

\`\`\`sh
npm test
\`\`\`
`

describe.each(await testDatabaseKinds())('export, import and search through the sync server ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  const content = () => createSyncContent({ baseUrl: `http://127.0.0.1:${server.port}`, secret: SECRET })
  beforeEach(async () => {
    t = await kind.create()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('stores an imported document and exports the same Markdown, for readers only', async () => {
    const ada = await addUser(t.db, 'Ada')
    const eve = await addUser(t.db, 'Eve')
    const imported = await importFile('plan.md', new TextEncoder().encode(MARKDOWN))
    const row = await createDocumentWithContent({ db: t.db, content: content() }, ada, imported)
    expect(row.title).toBe('Quarterly plan')

    const file = await exportDocument({ db: t.db, content: content() }, ada.id, row.id, 'md')
    expect(file).toMatchObject({ contentType: 'text/markdown; charset=utf-8', fileName: 'Quarterly plan.md' })
    expect(fromMarkdown(new TextDecoder().decode(file!.body))).toEqual(imported.content)
    expect(file!.disposition).toBe(`attachment; filename="Quarterly plan.md"; filename*=UTF-8''Quarterly%20plan.md`)

    expect(await exportDocument({ db: t.db, content: content() }, eve.id, row.id, 'md')).toBeNull()
    await setMembership(t.db, row.id, eve.id, 'viewer')
    const html = await exportDocument({ db: t.db, content: content() }, eve.id, row.id, 'html')
    expect(new TextDecoder().decode(html!.body)).toContain('<li data-checked="true" data-type="taskItem">')
  })

  it('leaves no document behind when the sync server refuses the content', async () => {
    const ada = await addUser(t.db, 'Ada')
    const wrongSecret = createSyncContent({ baseUrl: `http://127.0.0.1:${server.port}`, secret: 'another-secret-that-is-32-bytes-long!' })
    await expect(createDocumentWithContent({ db: t.db, content: wrongSecret }, ada, { title: 'x', content: fromMarkdown('x') })).rejects.toThrow(/401/)
    expect(await t.db.selectFrom('documents').selectAll().execute()).toEqual([])
  })

  it('finds a word Bob stored for Alice, ranked with a snippet, and not once she has lost access', async () => {
    const alice = await addUser(t.db, 'Alice')
    const bob = await addUser(t.db, 'Bob')
    const deps = { db: t.db, content: content() }
    const shared = await createDocumentWithContent(deps, alice, { title: 'Garden notes', content: fromMarkdown('Tomatoes need sun.') })
    const other = await createDocumentWithContent(deps, bob, { title: 'Bob private', content: fromMarkdown('marmalade recipe') })
    await setMembership(t.db, shared.id, bob.id, 'editor')
    expect(await indexStaleDocuments(deps)).toBe(2)
    expect(await searchDocuments(t.db, alice.id, 'marmalade')).toEqual([])

    // Bob types a word: his update is stored by the sync server, whose edit report bumps updated_at.
    const typed = new Y.Doc()
    Y.applyUpdate(typed, await deps.content.read(shared.id, bob))
    const before = Y.encodeStateVector(typed)
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('Marmalade jars in the shed')])
    typed.getXmlFragment(BODY_FRAGMENT).push([paragraph])
    await deps.content.write(shared.id, bob, Y.encodeStateAsUpdate(typed, before))
    await touchDocument(t.db, shared.id)
    expect(await indexStaleDocuments(deps)).toBe(1)

    const results = await searchDocuments(t.db, alice.id, 'marma')
    expect(results.map((result) => result.id)).toEqual([shared.id])
    expect(results[0].snippet.filter((part) => part.match).map((part) => part.text.toLowerCase())).toContain('marmalade')
    // Bob sees both, the one with the word in its title or text ranked by relevance.
    expect((await searchDocuments(t.db, bob.id, 'marmalade')).map((result) => result.id).sort()).toEqual([shared.id, other.id].sort())
    // A title match outranks a text match.
    expect((await searchDocuments(t.db, bob.id, 'garden'))[0].id).toBe(shared.id)

    await removeMembership(t.db, shared.id, alice.id) // no-op: she owns it; her access goes only with ownership
    await removeMembership(t.db, shared.id, bob.id)
    expect(await searchDocuments(t.db, bob.id, 'marmalade')).toMatchObject([{ id: other.id }])
    expect(await findDocument(t.db, shared.id)).not.toBeNull()
  })

  it('treats query syntax as words', async () => {
    const alice = await addUser(t.db, 'Alice')
    const deps = { db: t.db, content: content() }
    await createDocumentWithContent(deps, alice, { title: 'Syntax', content: fromMarkdown('alpha beta') })
    await indexStaleDocuments(deps)
    for (const q of ['"', 'alpha OR', 'NEAR(alpha', "alpha' & !beta", '*', 'beta:*', '']) await searchDocuments(t.db, alice.id, q)
    expect(await searchDocuments(t.db, alice.id, 'alpha " beta')).toHaveLength(1)
    expect(await searchDocuments(t.db, alice.id, 'alpha gamma')).toEqual([])
  })
})
