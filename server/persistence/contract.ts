/**
 * The behaviour every DocumentStore must have, as a vitest suite. A backend's
 * test file calls `registerStoreContract` with a factory; SQLite runs it today,
 * PostgreSQL will run the same suite.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore } from './DocumentStore'
import { foldUpdates } from './foldUpdates'
import { buildVersionState } from './history'

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<DocumentStore>
  /** The same storage opened again: as after a restart, or as a second instance beside the first. */
  reopen(): Promise<DocumentStore>
  cleanup(): Promise<void>
}

function textUpdate(text: string, clientID: number): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientID
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

export function registerStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let harness: StoreHarness | null = null
    const opened: DocumentStore[] = []
    const open = async (reopen = false) => {
      harness ??= await makeHarness()
      const store = reopen ? await harness.reopen() : await harness.open()
      opened.push(store)
      return store
    }

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close()
      await harness?.cleanup()
      harness = null
    })

    it('loads a document never written as empty', async () => {
      const store = await open()
      expect(await store.load('never-written')).toEqual({ updates: [], snapshotStateVector: null, lastSeq: 0, logLength: 0 })
    })

    it('returns appended updates in order, with growing sequence numbers', async () => {
      const store = await open()
      const first = await store.appendBatch([{ docId: 'a', update: textUpdate('one ', 1) }])
      const second = await store.appendBatch([{ docId: 'a', update: textUpdate('two', 2) }])
      expect(second.get('a')!).toBeGreaterThan(first.get('a')!)
      const loaded = await store.load('a')
      expect(loaded.logLength).toBe(2)
      expect(loaded.lastSeq).toBe(second.get('a'))
      expect(loaded.updates.map((u) => Buffer.from(u))).toEqual([
        Buffer.from(textUpdate('one ', 1)),
        Buffer.from(textUpdate('two', 2)),
      ])
    })

    it('writes a batch for several documents and keeps them apart', async () => {
      const store = await open()
      const lastSeq = await store.appendBatch([
        { docId: 'a', update: textUpdate('a1', 1) },
        { docId: 'b', update: textUpdate('b1', 2) },
        { docId: 'a', update: textUpdate('a2', 3) },
      ])
      expect([...lastSeq.keys()].sort()).toEqual(['a', 'b'])
      expect((await store.load('a')).logLength).toBe(2)
      expect(textOf((await store.load('b')).updates)).toBe('b1')
    })

    it('keeps what it stored across a reopen', async () => {
      const store = await open()
      await store.appendBatch([{ docId: 'kept', update: textUpdate('durable', 1) }])
      await store.close()
      const again = await open(true)
      expect(textOf((await again.load('kept')).updates)).toBe('durable')
    })

    it('compacts a prefix of the log into a snapshot and keeps later entries', async () => {
      const store = await open()
      const early = await store.appendBatch([
        { docId: 'c', update: textUpdate('x', 1) },
        { docId: 'c', update: textUpdate('y', 2) },
      ])
      const late = await store.appendBatch([{ docId: 'c', update: textUpdate('z', 3) }])
      const folded: Uint8Array[][] = []
      await store.compact('c', early.get('c')!, (updates) => {
        folded.push(updates)
        return foldUpdates(updates)
      })
      expect(folded).toHaveLength(1)
      expect(textOf(folded[0]).split('').sort().join('')).toBe('xy')
      const loaded = await store.load('c')
      // The snapshot's state vector is kept with it: clients 1 and 2, one character each.
      expect(Y.decodeStateVector(loaded.snapshotStateVector!)).toEqual(new Map([[1, 1], [2, 1]]))
      expect(loaded.logLength).toBe(1)
      expect(loaded.lastSeq).toBe(late.get('c'))
      expect(loaded.updates).toHaveLength(2)
      expect(textOf(loaded.updates).split('').sort().join('')).toBe('xyz')
    })

    it('folds the earlier snapshot into the next one', async () => {
      const store = await open()
      const seq1 = await store.appendBatch([{ docId: 'd', update: textUpdate('a', 1) }])
      await store.compact('d', seq1.get('d')!, foldUpdates)
      const seq2 = await store.appendBatch([{ docId: 'd', update: textUpdate('b', 2) }])
      await store.compact('d', seq2.get('d')!, foldUpdates)
      const loaded = await store.load('d')
      expect(loaded.logLength).toBe(0)
      expect(loaded.updates).toHaveLength(1)
      expect(textOf(loaded.updates).split('').sort().join('')).toBe('ab')
    })

    it('never drops entries another writer appended, even when two compactions race', async () => {
      const first = await open()
      const second = await open(true)
      await first.appendBatch([{ docId: 'r', update: textUpdate('1', 1) }])
      await second.appendBatch([{ docId: 'r', update: textUpdate('2', 2) }])
      const middle = (await first.load('r')).lastSeq
      await first.appendBatch([{ docId: 'r', update: textUpdate('3', 3) }])
      const end = (await second.load('r')).lastSeq
      await Promise.all([first.compact('r', end, foldUpdates), second.compact('r', middle, foldUpdates)])
      await second.appendBatch([{ docId: 'r', update: textUpdate('4', 4) }])
      expect(textOf((await first.load('r')).updates).split('').sort().join('')).toBe('1234')
    })

    it('deletes a document and remembers when', async () => {
      const store = await open()
      await store.appendBatch([{ docId: 'e', update: textUpdate('gone', 1) }])
      await store.compact('e', 0, foldUpdates)
      await store.recordAccessChange('e', 'u1', { access: 'read', changedAt: 100 })
      await store.deleteDocument('e', 1234)
      expect((await store.load('e')).updates).toEqual([])
      expect(await store.getPolicy('e', 'u1')).toEqual({ deletedAt: 1234, accessChange: null })
    })

    it('records access changes per document and user, the last one winning', async () => {
      const store = await open()
      expect(await store.getPolicy('f', 'u1')).toEqual({ deletedAt: null, accessChange: null })
      await store.recordAccessChange('f', 'u1', { access: 'read', changedAt: 10 })
      await store.recordAccessChange('f', 'u1', { access: 'none', changedAt: 20 })
      await store.recordAccessChange('f', 'u2', { access: 'write', changedAt: 30 })
      expect((await store.getPolicy('f', 'u1')).accessChange).toEqual({ access: 'none', changedAt: 20 })
      expect((await store.getPolicy('f', 'u2')).accessChange).toEqual({ access: 'write', changedAt: 30 })
      expect((await store.getPolicy('g', 'u1')).accessChange).toBeNull()
    })

    it("records each update's author and gives a version the authors since the previous one", async () => {
      const store = await open()
      const alice = { sub: 'alice', name: 'Alice' }
      const bob = { sub: 'bob', name: null }
      await store.appendBatch([{ docId: 'h', update: textUpdate('a', 1), author: alice }])
      const first = await store.createVersion('h', { kind: 'auto', label: null, createdAt: 1000, onlyIfChanged: true })
      expect(first).toMatchObject({ docId: 'h', kind: 'auto', label: null, createdAt: 1000, authors: [alice] })
      // Nothing logged since: an automatic version is not made, a named one is.
      expect(await store.createVersion('h', { kind: 'auto', label: null, createdAt: 1001, onlyIfChanged: true })).toBeNull()
      await store.appendBatch([
        { docId: 'h', update: textUpdate('b', 2), author: bob },
        { docId: 'h', update: textUpdate('c', 3), author: alice },
        { docId: 'other', update: textUpdate('x', 4), author: { sub: 'carol', name: 'Carol' } },
      ])
      const second = await store.createVersion('h', { kind: 'named', label: 'draft', createdAt: 2000 })
      expect(second!.authors).toEqual([bob, alice])
      expect(second!.id).toBeGreaterThan(first!.id)
      const named = await store.createVersion('h', { kind: 'named', label: 'again', createdAt: 3000, author: bob })
      expect(named!.authors).toEqual([bob])
      expect((await store.listVersions('h', { limit: 10 })).map((v) => v.label)).toEqual(['again', 'draft', null])
      expect(await store.getVersion('h', second!.id)).toEqual(second)
      expect(await store.getVersion('other', second!.id)).toBeNull()
      expect(textOf(await store.loadThrough('h', first!.seq))).toBe('a')
    })


    it('pages through versions, newest first', async () => {
      const store = await open()
      const ids: number[] = []
      for (let i = 0; i < 5; i++) {
        await store.appendBatch([{ docId: 'p', update: textUpdate(String(i), i + 1) }])
        ids.push((await store.createVersion('p', { kind: 'auto', label: null, createdAt: i }))!.id)
      }
      const page1 = await store.listVersions('p', { limit: 2 })
      expect(page1.map((v) => v.id)).toEqual([ids[4], ids[3]])
      const page2 = await store.listVersions('p', { limit: 2, before: page1[1].id })
      expect(page2.map((v) => v.id)).toEqual([ids[2], ids[1]])
      expect((await store.listVersions('p', { limit: 2, before: ids[1] })).map((v) => v.id)).toEqual([ids[0]])
    })


    it('compacts between versions, never across one: every version stays byte for byte', async () => {
      const store = await open()
      const doc = new Y.Doc()
      doc.clientID = 7
      const text = doc.getText('t')
      const rows: Uint8Array[] = []
      doc.on('update', (update: Uint8Array) => rows.push(update))
      const versions = []
      const states: Buffer[] = []
      for (let round = 0; round < 6; round++) {
        for (let i = 0; i < 8; i++) {
          text.insert(Math.min(text.length, (round * 7 + i * 3) % (text.length + 1)), `r${round}i${i} `)
          if (i % 3 === 2) text.delete(Math.floor(text.length / 2), 2)
        }
        await store.appendBatch(rows.splice(0).map((update) => ({ docId: 'v', update, author: { sub: `u${round % 2}`, name: null } })))
        const version = (await store.createVersion('v', { kind: 'auto', label: null, createdAt: round }))!
        versions.push(version)
        states.push(Buffer.from(buildVersionState(await store.loadThrough('v', version.seq))))
      }
      text.insert(0, 'after the last version')
      await store.appendBatch(rows.splice(0).map((update) => ({ docId: 'v', update })))
      const before = await store.load('v')
      await store.compact('v', before.lastSeq, foldUpdates)
      const after = await store.load('v')
      // Six versions, then the rows since the last one: one row each.
      expect(after.logLength).toBe(7)
      expect(after.lastSeq).toBe(before.lastSeq)
      for (const [i, version] of versions.entries()) {
        expect(Buffer.from(buildVersionState(await store.loadThrough('v', version.seq)))).toEqual(states[i])
      }
      expect(textOf(after.updates)).toBe(text.toString())
      // A second compaction has nothing left to merge and changes nothing.
      await store.compact('v', after.lastSeq, foldUpdates)
      expect((await store.load('v')).updates.map((u) => Buffer.from(u))).toEqual(after.updates.map((u) => Buffer.from(u)))
      const segment = await store.listVersions('v', { limit: 1 })
      expect(segment[0].authors).toEqual([{ sub: 'u1', name: null }])
    })


    it("deletes a document's history with it", async () => {
      const store = await open()
      await store.appendBatch([{ docId: 'gone', update: textUpdate('x', 1) }])
      const version = await store.createVersion('gone', { kind: 'named', label: 'x', createdAt: 1 })
      await store.deleteDocument('gone', 5)
      expect(await store.listVersions('gone', { limit: 10 })).toEqual([])
      expect(await store.getVersion('gone', version!.id)).toBeNull()
    })


    it('records its schema version and applies nothing twice', async () => {
      const store = await open()
      expect(store.migrations.to).toBeGreaterThanOrEqual(2)
      expect(store.migrations.applied.map((m) => m.version)).toEqual(
        Array.from({ length: store.migrations.to }, (_, i) => i + 1),
      )
      await store.close()
      const again = await open(true)
      expect(again.migrations).toEqual({ from: store.migrations.to, to: store.migrations.to, applied: [] })
    })

    it('answers ping while open', async () => {
      const store = await open()
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}
