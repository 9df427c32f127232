/**
 * The real SQLite store, observed: counts loads per document, can slow loads
 * (to catch a room answering before it has loaded) and writes (to catch a room
 * unloading while its write is in flight), and can make `ping` fail (to see
 * /healthz report it). Every other method passes straight through (a Proxy,
 * so the wrapper never lags behind the interface).
 */
import * as Y from 'yjs'
import type { AppendEntry, DocumentStore, StoredDocument } from '../../persistence/DocumentStore'
import { sleep } from './wait'

export interface ObservedStore extends DocumentStore {
  readonly inner: DocumentStore
  readonly loads: Map<string, number>
  loadDelayMs: number
  /** Each appendBatch waits this long before it writes. */
  writeDelayMs: number
  /** appendBatch calls that have started and not yet finished. */
  readonly writesInFlight: number
  pingFailure: Error | null
  /** The stored document as text, read through the real store (not the server). */
  storedText(docId: string, name?: string): Promise<string>
}

export function observeStore(inner: DocumentStore): ObservedStore {
  const state = { loads: new Map<string, number>(), loadDelayMs: 0, writeDelayMs: 0, writesInFlight: 0, pingFailure: null as Error | null, closed: false }
  const own: Record<string, unknown> = {
    inner,
    load: async (docId: string): Promise<StoredDocument> => {
      state.loads.set(docId, (state.loads.get(docId) ?? 0) + 1)
      if (state.loadDelayMs > 0) await sleep(state.loadDelayMs)
      return inner.load(docId)
    },
    appendBatch: async (entries: readonly AppendEntry[]): Promise<Map<string, number>> => {
      state.writesInFlight += 1
      try {
        if (state.writeDelayMs > 0) await sleep(state.writeDelayMs)
        return await inner.appendBatch(entries)
      } finally {
        state.writesInFlight -= 1
      }
    },
    ping: async (): Promise<void> => {
      if (state.pingFailure) throw state.pingFailure
      return inner.ping()
    },
    close: async (): Promise<void> => {
      if (state.closed) return
      state.closed = true
      await inner.close()
    },
    storedText: async (docId: string, name = 'text'): Promise<string> => {
      const stored = await inner.load(docId)
      const doc = new Y.Doc()
      for (const update of stored.updates) Y.applyUpdate(doc, update)
      return doc.getText(name).toString()
    },
  }
  const settable = new Set(['loadDelayMs', 'writeDelayMs', 'pingFailure'])
  return new Proxy(inner, {
    get(target, prop) {
      if (typeof prop === 'string') {
        if (prop === 'loads' || prop === 'writesInFlight' || settable.has(prop)) return state[prop as keyof typeof state]
        if (prop in own) return own[prop]
      }
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
    set(target, prop, value) {
      if (typeof prop === 'string' && settable.has(prop)) (state as Record<string, unknown>)[prop] = value
      else return Reflect.set(target, prop, value)
      return true
    },
  }) as ObservedStore
}
