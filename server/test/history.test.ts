/**
 * docs/sync-protocol.md, "Version history": authorship from tokens,
 * automatic and named versions, reading and paging them, restoring one to
 * live stock clients (and through a crash right after the answer), and the
 * statuses of bad calls. Real server, real SQLite, stock y-websocket clients.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { afterSecond, api, docId, eventually, nowSeconds, serverDocument, spawnServer, startTestServer, syncedClient, type StockClient } from './harness'

vi.setConfig({ testTimeout: 60_000 })

interface VersionJson {
  id: string
  createdAt: string
  label: string | null
  authors: { sub: string; name: string | null }[]
  kind: 'auto' | 'named' | 'restore'
}

type Server = Parameters<typeof api>[0] & { token: Awaited<ReturnType<typeof startTestServer>>['token'] }

async function listVersions(server: Server, room: string, query = ''): Promise<VersionJson[]> {
  const res = await api(server, 'GET', `/docs/${room}/versions${query}`, { token: await server.token({ doc: room, sub: 'lister' }) })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/json')
  return (JSON.parse(res.text) as { versions: VersionJson[] }).versions
}

async function nameVersion(server: Server, room: string, label: string, sub = 'namer'): Promise<VersionJson> {
  const res = await api(server, 'POST', `/docs/${room}/versions`, {
    token: await server.token({ doc: room, sub, name: sub.toUpperCase() }),
    body: JSON.stringify({ label }),
  })
  expect(res.status).toBe(201)
  return JSON.parse(res.text) as VersionJson
}

async function versionDoc(server: Server, room: string, id: string): Promise<Y.Doc> {
  const res = await api(server, 'GET', `/docs/${room}/versions/${id}`, { token: await server.token({ doc: room }) })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/octet-stream')
  const doc = new Y.Doc()
  Y.applyUpdate(doc, res.bytes)
  return doc
}

/** Two paragraphs of the shape Tiptap writes (an XML fragment `default`), by a stock client. */
function writeParagraphs(client: StockClient, texts: string[]): void {
  const fragment = client.doc.getXmlFragment('default')
  client.doc.transact(() => {
    fragment.delete(0, fragment.length)
    fragment.insert(
      0,
      texts.map((text) => {
        const paragraph = new Y.XmlElement('paragraph')
        paragraph.insert(0, [new Y.XmlText(text)])
        return paragraph
      }),
    )
  })
}

const paragraphs = (doc: Y.Doc) => doc.getXmlFragment('default').toArray().map((node) => (node as Y.XmlElement).toArray().join(''))

describe('authorship and versions', () => {
  // proves: HISTORY-1, HISTORY-2, HISTORY-9
  it('records who wrote each update from the tokens, and a version names everyone since the previous one', async () => {
    const server = await startTestServer()
    const room = docId()
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice', name: 'Alice' }))
    const bob = await syncedClient(server, room, await server.token({ doc: room, sub: 'bob', name: 'Bob' }))
    alice.doc.getText('text').insert(0, 'from Alice. ')
    await eventually(() => expect(bob.text()).toContain('Alice'))
    bob.doc.getText('text').insert(0, 'from Bob. ')
    // An API write is attributed to its token too.
    const carolDoc = new Y.Doc()
    carolDoc.getText('text').insert(0, 'from Carol. ')
    const write = await api(server, 'POST', `/docs/${room}/update`, {
      token: await server.token({ doc: room, sub: 'carol' }),
      body: Y.encodeStateAsUpdate(carolDoc),
    })
    expect(write.status).toBe(204)
    await eventually(() => expect(alice.text()).toContain('Bob'))
    const first = await nameVersion(server, room, '  First draft  ', 'dave')
    expect(first).toMatchObject({ label: 'First draft', kind: 'named' })
    expect(first.id).toMatch(/^[1-9][0-9]*$/)
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt)
    expect(Math.abs(Date.parse(first.createdAt) - Date.now())).toBeLessThan(60_000)
    expect(first.authors).toEqual(
      expect.arrayContaining([
        { sub: 'alice', name: 'Alice' },
        { sub: 'bob', name: 'Bob' },
        { sub: 'carol', name: null },
        { sub: 'dave', name: 'DAVE' },
      ]),
    )
    expect(first.authors).toHaveLength(4)
    bob.doc.getText('text').insert(0, 'Bob again. ')
    await eventually(async () => expect((await serverDocument(server, room)).getText('text').toString()).toContain('again'))
    const second = await nameVersion(server, room, 'Second', 'dave')
    expect(second.authors).toEqual([
      { sub: 'bob', name: 'Bob' },
      { sub: 'dave', name: 'DAVE' },
    ])
    expect((await listVersions(server, room)).map((v) => v.label)).toEqual(['Second', 'First draft'])
  })

  // proves: HISTORY-8

  it("serves a version as one Yjs update, and 404 for an unknown one or another document's", async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room }))
    writer.doc.getText('text').insert(0, 'then')
    await eventually(async () => expect((await serverDocument(server, room)).getText('text').toString()).toBe('then'))
    const then = await nameVersion(server, room, 'then')
    writer.doc.getText('text').insert(4, ' and now')
    await eventually(async () => expect((await serverDocument(server, room)).getText('text').toString()).toBe('then and now'))
    expect((await versionDoc(server, room, then.id)).getText('text').toString()).toBe('then')
    const other = docId()
    const token = await server.token({ doc: other })
    expect((await api(server, 'GET', `/docs/${other}/versions/${then.id}`, { token })).status).toBe(404)
    expect((await api(server, 'GET', `/docs/${room}/versions/999999`, { token: await server.token({ doc: room }) })).status).toBe(404)
  })

  // proves: HISTORY-7

  it('pages through the versions, newest first, with before and limit', async () => {
    const server = await startTestServer()
    const room = docId()
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await nameVersion(server, room, `v${i}`)).id)
    const page1 = await listVersions(server, room, '?limit=2')
    expect(page1.map((v) => v.label)).toEqual(['v4', 'v3'])
    const page2 = await listVersions(server, room, `?limit=2&before=${page1[1].id}`)
    expect(page2.map((v) => v.label)).toEqual(['v2', 'v1'])
    const page3 = await listVersions(server, room, `?limit=2&before=${page2[1].id}`)
    expect(page3.map((v) => v.label)).toEqual(['v0'])
    expect(await listVersions(server, room, `?before=${made[0]}`)).toEqual([])
  })

  // proves: HISTORY-3

  it('makes an automatic version once the document has been quiet for VERSION_IDLE_MS after changes', async () => {
    const server = await startTestServer({ limits: { versionIdleMs: 300, versionMaxMs: 600_000 } })
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'erin', name: 'Erin' }))
    writer.doc.getText('text').insert(0, 'quiet after this')
    const [auto] = await eventually(async () => {
      const versions = await listVersions(server, room)
      expect(versions).toHaveLength(1)
      return versions
    })
    expect(auto).toMatchObject({ kind: 'auto', label: null, authors: [{ sub: 'erin', name: 'Erin' }] })
    expect((await versionDoc(server, room, auto.id)).getText('text').toString()).toBe('quiet after this')
    // No change, no new version; a change, another one.
    writer.doc.getText('text').insert(0, 'more: ')
    await eventually(async () => expect(await listVersions(server, room)).toHaveLength(2), { timeoutMs: 10_000 })
    const [latest] = await listVersions(server, room)
    expect((await versionDoc(server, room, latest.id)).getText('text').toString()).toBe('more: quiet after this')
  })

  // proves: HISTORY-4

  it('makes one at least every VERSION_MAX_MS while changes go on', async () => {
    const server = await startTestServer({ limits: { versionIdleMs: 600_000, versionMaxMs: 400 } })
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room }))
    const text = writer.doc.getText('text')
    // Type without pause until two versions exist: the quiet period never comes.
    await eventually(
      async () => {
        text.insert(text.length, 'x')
        expect((await listVersions(server, room)).length).toBeGreaterThanOrEqual(2)
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    )
    for (const version of await listVersions(server, room)) expect(version.kind).toBe('auto')
  })

  // proves: HISTORY-16

  it('records the changes not yet in a version when the room unloads', async () => {
    const server = await startTestServer({ limits: { roomIdleMs: 50, versionIdleMs: 600_000, versionMaxMs: 600_000 } })
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'fay' }))
    writer.doc.getText('text').insert(0, 'left behind')
    await eventually(async () => expect((await server.store.load(room)).logLength).toBe(1))
    writer.destroy()
    const [version] = await eventually(async () => {
      const versions = await listVersions(server, room)
      expect(versions).toHaveLength(1)
      return versions
    })
    expect(version).toMatchObject({ kind: 'auto', authors: [{ sub: 'fay', name: null }] })
  })
})

describe('history and compaction', () => {
  // proves: HISTORY-6
  it('serves every version byte for byte the same after the log was compacted many times', async () => {
    const server = await startTestServer({ limits: { compactAfterUpdates: 10 } })
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'gus' }))
    const text = writer.doc.getText('text')
    const states = new Map<string, Buffer>()
    const stateOf = async (id: string) =>
      Buffer.from((await api(server, 'GET', `/docs/${room}/versions/${id}`, { token: await server.token({ doc: room }) })).bytes)
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 12; i++) {
        text.insert((round * 5 + i * 7) % (text.length + 1), `${round}.${i} `)
        if (i % 4 === 3) text.delete(Math.floor(text.length / 3), 3)
      }
      const expected = text.toString()
      await eventually(async () => expect((await serverDocument(server, room)).getText('text').toString()).toBe(expected))
      const version = await nameVersion(server, room, `round ${round}`)
      states.set(version.id, await stateOf(version.id))
      const doc = new Y.Doc()
      Y.applyUpdate(doc, states.get(version.id)!)
      expect(doc.getText('text').toString()).toBe(expected)
    }
    // Unloading compacts once more; every fold above happened while versions existed.
    writer.destroy()
    await server.restart()
    expect((await server.store.load(room)).logLength).toBeLessThanOrEqual(6)
    for (const [id, state] of states) expect(await stateOf(id)).toEqual(state)
  })

  // proves: HISTORY-15
  it("deleting a document deletes its history: a new document with the same id starts with none", async () => {
    const server = await startTestServer()
    const room = docId()
    const version = await nameVersion(server, room, 'before deletion')
    const deleted = await api(server, 'DELETE', `/docs/${room}`, { token: await server.token({ doc: room, access: 'admin' }) })
    expect(deleted.status).toBe(204)
    // Tokens issued after the deletion open the new, empty document (API-6).
    await afterSecond(nowSeconds())
    expect(await listVersions(server, room)).toEqual([])
    expect((await api(server, 'GET', `/docs/${room}/versions/${version.id}`, { token: await server.token({ doc: room }) })).status).toBe(404)
  })
})

describe('configuration', () => {
  // proves: CONFIG-16, CONFIG-17
  it('VERSION_IDLE_MS and VERSION_MAX_MS set when automatic versions are made', async () => {
    const quiet = await spawnServer({ env: { VERSION_IDLE_MS: '300' } })
    const room = docId()
    const writer = await syncedClient(quiet, room, await quiet.token({ doc: room }))
    writer.doc.getText('text').insert(0, 'then quiet')
    await eventually(async () => expect((await listVersions(quiet, room)).map((v) => v.kind)).toEqual(['auto']), { timeoutMs: 10_000 })
    const busy = await spawnServer({ env: { VERSION_MAX_MS: '400' } })
    const busyRoom = docId()
    const typist = await syncedClient(busy, busyRoom, await busy.token({ doc: busyRoom }))
    const text = typist.doc.getText('text')
    await eventually(
      async () => {
        text.insert(text.length, 'x')
        expect((await listVersions(busy, busyRoom)).length).toBeGreaterThanOrEqual(2)
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    )
  })
})

describe('restore', () => {
  // proves: HISTORY-10, HISTORY-13, HISTORY-5, HISTORY-17
  it('brings live stock clients back to the version by one forward change, attributed, and leaves their undo to them', async () => {
    const server = await startTestServer()
    const room = docId()
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice', name: 'Alice' }))
    const bob = await syncedClient(server, room, await server.token({ doc: room, sub: 'bob', name: 'Bob' }))
    writeParagraphs(alice, ['Intro by Alice', 'Body by Alice'])
    await eventually(() => expect(paragraphs(bob.doc)).toEqual(['Intro by Alice', 'Body by Alice']))
    const good = await nameVersion(server, room, 'good')
    // Bob edits the body through an undo manager, as an editor does.
    const bobUndo = new Y.UndoManager(bob.doc.getXmlFragment('default'), { captureTimeout: 0 })
    const body = bob.doc.getXmlFragment('default').get(1) as Y.XmlElement
    ;(body.get(0) as Y.XmlText).insert(0, 'BAD ')
    const extra = new Y.XmlElement('paragraph')
    extra.insert(0, [new Y.XmlText('Bob added this')])
    bob.doc.getXmlFragment('default').insert(2, [extra])
    // And Alice cuts words the version has, so the restore must write them again.
    ;(((alice.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0)) as Y.XmlText).delete(5, 9)
    await eventually(() => expect(paragraphs(bob.doc)).toEqual(['Intro', 'BAD Body by Alice', 'Bob added this']))
    const clocksBefore = Y.decodeStateVector(Y.encodeStateVector(bob.doc))

    const res = await api(server, 'POST', `/docs/${room}/versions/${good.id}/restore`, {
      token: await server.token({ doc: room, sub: 'alice', name: 'Alice' }),
    })
    expect(res.status).toBe(200)
    const restore = JSON.parse(res.text) as VersionJson
    expect(restore).toMatchObject({ kind: 'restore', label: null, authors: [{ sub: 'alice', name: 'Alice' }] })
    for (const client of [alice, bob]) {
      await eventually(() => expect(paragraphs(client.doc)).toEqual(['Intro by Alice', 'Body by Alice']))
    }
    // Bob's changed paragraph was restored in place, not replaced: what points into it (comment anchors) still does.
    expect(bob.doc.getXmlFragment('default').get(1)).toBe(body)
    // The restore is a change by a client of its own, not an undo of anyone's: nothing
    // new under Alice's or Bob's client IDs, one new client for what it wrote again.
    const clocksAfter = Y.decodeStateVector(Y.encodeStateVector(bob.doc))
    for (const client of [alice, bob]) expect(clocksAfter.get(client.doc.clientID)).toBe(clocksBefore.get(client.doc.clientID))
    expect([...clocksAfter.keys()].filter((id) => !clocksBefore.has(id))).toHaveLength(1)
    expect((await versionDoc(server, room, restore.id)).getXmlFragment('default').toString()).toBe(
      (await versionDoc(server, room, good.id)).getXmlFragment('default').toString(),
    )
    // The state it replaced got an automatic version first, by the two who changed it since.
    const versions = await listVersions(server, room)
    expect(versions.map((v) => v.kind)).toEqual(['restore', 'auto', 'named'])
    expect(versions[1].authors).toHaveLength(2)
    expect(versions[1].authors).toEqual(expect.arrayContaining([{ sub: 'bob', name: 'Bob' }, { sub: 'alice', name: 'Alice' }]))

    // Bob's undo covers only his own edits: none of them brings back what the restore replaced, nor undoes it.
    while (bobUndo.canUndo()) bobUndo.undo()
    await eventually(() => expect(paragraphs(alice.doc)).toEqual(['Intro by Alice', 'Body by Alice']))
    bob.doc.getXmlFragment('default').insert(2, [new Y.XmlElement('paragraph')])
    const bobUndoAfter = new Y.UndoManager(bob.doc.getXmlFragment('default'))
    ;((bob.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Bob: ')
    bobUndoAfter.undo()
    expect(paragraphs(bob.doc).slice(0, 2)).toEqual(['Intro by Alice', 'Body by Alice'])

    // A restore is undone by restoring the version made before it.
    const undoRestore = await api(server, 'POST', `/docs/${room}/versions/${versions[1].id}/restore`, {
      token: await server.token({ doc: room, sub: 'bob', name: 'Bob' }),
    })
    expect(undoRestore.status).toBe(200)
    await eventually(() => expect(paragraphs(alice.doc)).toEqual(['Intro', 'BAD Body by Alice', 'Bob added this']))
    bobUndo.destroy()
    bobUndoAfter.destroy()
  })

  // proves: HISTORY-30
  it('marks every restore in the root map `restore` of the live document, even one that changes no content', async () => {
    const server = await startTestServer()
    const room = docId()
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice', name: 'Alice' }))
    writeParagraphs(alice, ['Kept words'])
    const good = await nameVersion(server, room, 'good')
    ;(((alice.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0)) as Y.XmlText).delete(0, 5)
    await eventually(async () => expect(paragraphs(await serverDocument(server, room))).toEqual(['words']))
    const mark = () => alice.doc.getMap<{ version: string; at: string }>('restore').get('last')
    const restore = async () => {
      const before = Date.now()
      const res = await api(server, 'POST', `/docs/${room}/versions/${good.id}/restore`, { token: await server.token({ doc: room, sub: 'alice' }) })
      expect(res.status).toBe(200)
      return before
    }

    const first = await restore()
    await eventually(() => expect(mark()?.at).toBeDefined())
    expect(paragraphs(alice.doc)).toEqual(['Kept words'])
    expect(mark()).toEqual({ version: good.id, at: expect.any(String) })
    expect(Date.parse(mark()!.at)).toBeGreaterThanOrEqual(first - 1)
    const firstAt = mark()!.at

    // The content is the version's already: the restore still marks (a new time), and writes the words only once.
    await new Promise((resolve) => setTimeout(resolve, 5)) // so the two ISO times (milliseconds) differ
    await restore()
    await eventually(() => expect(mark()!.at).not.toBe(firstAt))
    expect(paragraphs(alice.doc)).toEqual(['Kept words'])
  })

  // proves: HISTORY-11

  it('is durable once answered: SIGKILL right after the 200, restart, and the document is the version', async () => {
    const server = await spawnServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room }))
    writer.doc.getText('text').insert(0, 'the good text')
    await eventually(async () => expect((await serverDocument(server, room)).getText('text').toString()).toBe('the good text'))
    const good = await nameVersion(server, room, 'good')
    writer.doc.getText('text').delete(0, 4)
    writer.doc.getText('text').insert(0, 'ruined: ')
    await eventually(async () => expect((await serverDocument(server, room)).getText('text').toString()).toBe('ruined: good text'))
    writer.destroy()
    const res = await api(server, 'POST', `/docs/${room}/versions/${good.id}/restore`, { token: await server.token({ doc: room }) })
    expect(res.status).toBe(200)
    server.kill('SIGKILL')
    await server.exited
    const again = await spawnServer({ env: { DATA_DIR: server.dataDir, AUTH_SECRET: server.secret } })
    const check = await syncedClient(again, room, await again.token({ doc: room }))
    expect(check.text()).toBe('the good text')
    expect((await listVersions(again, room)).map((v) => v.kind)).toEqual(['restore', 'auto', 'named'])
  })
})

describe('refusals', () => {
  // proves: HISTORY-14
  it('answers 400 for bad ids, pages and bodies, 403 to read tokens, 401 without a token', async () => {
    const server = await startTestServer()
    const room = docId()
    const write = await server.token({ doc: room })
    const read = await server.token({ doc: room, access: 'read' })
    const version = await nameVersion(server, room, 'one')
    const status = async (method: string, path: string, token: string | null, body?: string) =>
      (await api(server, method, `/docs/${room}${path}`, { token, body })).status
    for (const bad of ['abc', '0', '-1', '1.5', '01', '9999999999999999']) {
      expect(await status('GET', `/versions/${bad}`, write)).toBe(400)
      expect(await status('POST', `/versions/${bad}/restore`, write)).toBe(400)
    }
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?before=abc', '?before=0']) {
      expect(await status('GET', `/versions${query}`, write)).toBe(400)
    }
    for (const body of ['', 'not json', '{}', '{"label": ""}', '{"label": "   "}', `{"label": "${'x'.repeat(101)}"}`, '{"label": 5}', '{"label": "a", "more": 1}']) {
      expect(await status('POST', '/versions', write, body)).toBe(400)
    }
    expect(await status('POST', '/versions', write, `{"label": "${'x'.repeat(100)}"}`)).toBe(201)
    for (const [method, path] of [
      ['GET', '/versions'],
      ['POST', '/versions'],
      ['GET', `/versions/${version.id}`],
      ['POST', `/versions/${version.id}/restore`],
    ]) {
      const body = method === 'POST' ? '{"label": "x"}' : undefined
      expect(await status(method, path, read, body)).toBe(403)
      expect(await status(method, path, null, body)).toBe(401)
    }
    expect(await status('DELETE', `/versions/${version.id}`, write)).toBe(405)
    expect(await status('GET', `/versions/${version.id}/restore`, write)).toBe(405)
    expect(await status('POST', '/versions/999999/restore', write)).toBe(404)
  })
})
