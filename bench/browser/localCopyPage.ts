/**
 * Scenario L's page, bundled for Chromium by bench/scenarios/l-localcopy.mjs:
 * the editor engine's real LocalCopy (y-indexeddb) writing and reopening the
 * automerge-paper document in this origin's IndexedDB.
 */
import * as Y from 'yjs'
import { LocalCopy } from '../../components/editor/engine/LocalCopy'

const USER = 'bench-user'
const DOCUMENT = 'automerge-paper'

/** The trace's update messages, from the scenario's server: a count, then each as length + bytes (u32 little-endian). */
async function fetchUpdates(): Promise<Uint8Array[]> {
  const bytes = new Uint8Array(await (await fetch('/trace.bin')).arrayBuffer())
  const view = new DataView(bytes.buffer)
  const updates: Uint8Array[] = []
  let offset = 4
  for (let i = 0, count = view.getUint32(0, true); i < count; i++) {
    const length = view.getUint32(offset, true)
    updates.push(bytes.subarray(offset + 4, offset + 4 + length))
    offset += 4 + length
  }
  return updates
}

/** When the stored state started and finished going into the doc: y-indexeddb applies it in the doc's first transaction. */
interface ApplyTimes {
  started?: number
  ended?: number
}

/** Opens the local copy and resolves when LocalCopy says it is loaded (what the editor waits for to show it). */
function open(times: ApplyTimes = {}): Promise<{ doc: Y.Doc; copy: LocalCopy }> {
  return new Promise((resolve) => {
    const doc = new Y.Doc()
    doc.once('beforeTransaction', () => {
      times.started = performance.now()
    })
    doc.once('afterTransaction', () => {
      times.ended = performance.now()
    })
    const copy: LocalCopy = new LocalCopy(doc, USER, DOCUMENT, () => {
      if (copy.state() !== 'loading') resolve({ doc, copy })
    })
  })
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

declare global {
  interface Window {
    benchLocalCopy: {
      write(): Promise<{ chars: number; rows: number }>
      open(): Promise<{ ms: number; beforeApplyMs: number; applyMs: number; chars: number }>
      readRows(): Promise<{ ms: number; bytes: number }>
    }
  }
}

window.benchLocalCopy = {
  /**
   * Every update message of the trace goes through the local copy, as edits
   * arriving in an open editor do; then a pause lets y-indexeddb fold its rows
   * (it does so a second after 500 have piled up), as it would while a person reads.
   */
  async write() {
    const updates = await fetchUpdates()
    const { doc, copy } = await open()
    for (const update of updates) Y.applyUpdate(doc, update)
    await until(() => copy.state() === 'written')
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const rows = await new Promise<number>((resolve, reject) => {
      const request = indexedDB.open(`tandem-doc:${USER}:${DOCUMENT}`)
      request.onsuccess = () => {
        const count = request.result.transaction('updates').objectStore('updates').count()
        count.onsuccess = () => {
          resolve(count.result)
          request.result.close()
        }
        count.onerror = () => reject(count.error)
      }
      request.onerror = () => reject(request.error)
    })
    const chars = doc.getText('t').length
    copy.destroy()
    doc.destroy()
    return { chars, rows }
  },

  /** The IndexedDB part alone: open the database and read its rows, without Yjs. */
  async readRows() {
    const started = performance.now()
    const rows = await new Promise<Uint8Array[]>((resolve, reject) => {
      const request = indexedDB.open(`tandem-doc:${USER}:${DOCUMENT}`)
      request.onsuccess = () => {
        const all = request.result.transaction('updates').objectStore('updates').getAll()
        all.onsuccess = () => {
          resolve(all.result as Uint8Array[])
          request.result.close()
        }
        all.onerror = () => reject(all.error)
      }
      request.onerror = () => reject(request.error)
    })
    return { ms: performance.now() - started, bytes: rows.reduce((sum, row) => sum + row.length, 0) }
  },

  /** One open, and its parts: IndexedDB until the state is read (database opened, rows fetched), then Yjs applying it. */
  async open() {
    const started = performance.now()
    const times: ApplyTimes = {}
    const { doc, copy } = await open(times)
    const ms = performance.now() - started
    const chars = doc.getText('t').length
    copy.destroy()
    doc.destroy()
    const { started: applyStarted = Number.NaN, ended: applyEnded = Number.NaN } = times
    return { ms, beforeApplyMs: applyStarted - started, applyMs: applyEnded - applyStarted, chars }
  },
}
