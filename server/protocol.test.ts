import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { assertValidUpdate, encodeUpdateMessage, readMessage, readValidUpdate, STREAMED_CHECK_BYTES } from './protocol'
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

describe('readValidUpdate on a large update (a paste, an import, a whole document)', () => {
  /** Over STREAMED_CHECK_BYTES, with a delete set: a long text, then some of it deleted. */
  function largeUpdate(): Uint8Array {
    const doc = new Y.Doc()
    const text = doc.getText('t')
    for (let i = 0; i < 40; i++) text.insert(text.length, `paragraph ${i}: ${'x'.repeat(2_000)}\n`)
    for (let i = 0; i < 20; i++) text.delete(i * 1_000, 10)
    return Y.encodeStateAsUpdate(doc)
  }

  it('is checked as a stream: accepted whole, without its structs', () => {
    const update = largeUpdate()
    expect(update.length).toBeGreaterThanOrEqual(STREAMED_CHECK_BYTES)
    expect(readValidUpdate(update)).toBeNull()
    // Below the size, the structs come back as before.
    expect(readValidUpdate(someUpdate())).not.toBeNull()
  })

  it('is refused with 1002 wherever it is cut, the delete set included', () => {
    const update = largeUpdate()
    const { ds } = Y.decodeUpdate(update)
    expect(ds.clients.size).toBe(1)
    // Every cut in its last 64 bytes (the delete set and the end of the structs), and cuts through the structs.
    const cuts = [...Array.from({ length: 64 }, (_, i) => update.length - 1 - i), ...Array.from({ length: 50 }, (_, i) => STREAMED_CHECK_BYTES + i * 97)]
    for (const length of cuts) {
      const error = (() => {
        try {
          readValidUpdate(update.subarray(0, length))
        } catch (caught) {
          return caught
        }
      })()
      expect(error, `cut to ${length} of ${update.length}`).toBeInstanceOf(SyncError)
      expect((error as SyncError).closeCode).toBe(1002)
    }
  })
})
