import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { assertValidUpdate, encodeUpdateMessage, readMessage } from './protocol'
import { SyncError } from './SyncError'

function someUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'hello world')
  doc.getText('t').delete(0, 6)
  return Y.encodeStateAsUpdate(doc)
}

describe('readMessage', () => {
  it('reads a sync update frame', () => {
    const update = someUpdate()
    const message = readMessage(encodeUpdateMessage(update))
    expect(message).toEqual({ type: 'sync-update', step: 'update', update })
  })

  it('refuses unknown types, unknown sync steps, truncation and trailing bytes with 1002', () => {
    const frame = encodeUpdateMessage(someUpdate())
    for (const bad of [
      Uint8Array.of(42),
      Uint8Array.of(0, 7, 0),
      frame.subarray(0, frame.length - 1),
      Uint8Array.of(...frame, 0),
      new Uint8Array(0),
    ]) {
      const error = (() => {
        try {
          readMessage(bad)
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(SyncError)
      expect((error as SyncError).closeCode).toBe(1002)
    }
  })
})

describe('assertValidUpdate', () => {
  it('accepts real updates and refuses every truncation of one', () => {
    const update = someUpdate()
    expect(() => assertValidUpdate(update)).not.toThrow()
    for (let length = 0; length < update.length; length++) {
      expect(() => assertValidUpdate(update.subarray(0, length)), `truncated to ${length}`).toThrow(SyncError)
    }
  })

  it('a refused update leaves the document untouched', () => {
    const doc = new Y.Doc()
    const update = someUpdate()
    const truncated = update.subarray(0, update.length - 2)
    expect(() => {
      assertValidUpdate(truncated)
      Y.applyUpdate(doc, truncated)
    }).toThrow(SyncError)
    expect(doc.getText('t').toString()).toBe('')
  })
})
