/**
 * The behaviour every DocumentStore must have, as a vitest suite. A backend's
 * test file calls `registerStoreContract` with a factory; SQLite runs it today,
 * PostgreSQL will run the same suite.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore } from './DocumentStore'
import { foldUpdates } from './foldUpdates'

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

    it('answers ping while open', async () => {
      const store = await open()
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}
