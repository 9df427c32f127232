import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MessageType } from '@/lib/protocol'
import { SavedAckTracker } from './SavedAckTracker'

/** The server's answer after the type byte: the state vector of what it has stored. */
function answerFor(stored: Y.Doc): decoding.Decoder {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(stored))
  return decoding.createDecoder(encoding.toUint8Array(encoder))
}

describe('SavedAckTracker', () => {
  it('asks with a bare type-100 message', () => {
    const request = new SavedAckTracker(new Y.Doc()).request()
    expect(decoding.readVarUint(decoding.createDecoder(request))).toBe(MessageType.Saved)
    expect(request.length).toBe(1)
  })

  it('is saved once the server’s stored state covers every edit we made, and not after a new one', () => {
    const doc = new Y.Doc()
    const saved = new SavedAckTracker(doc)
    expect(saved.isSaved()).toBe(false) // no answer yet
    doc.getText('body').insert(0, 'hello')
    saved.receive(answerFor(new Y.Doc()))
    expect(saved.isSaved()).toBe(false) // the server has none of it
    saved.receive(answerFor(doc))
    expect(saved.isSaved()).toBe(true)
    doc.getText('body').insert(5, '!')
    expect(saved.isSaved()).toBe(false)
  })

  it('forgets the previous socket’s answer on a new socket: a restarted server may not have stored it', () => {
    const doc = new Y.Doc()
    const saved = new SavedAckTracker(doc)
    doc.getText('body').insert(0, 'hello')
    saved.receive(answerFor(doc))
    expect(saved.isSaved()).toBe(true)
    saved.request()
    expect(saved.isSaved()).toBe(false)
  })

  it('counts edits of earlier tabs kept in the local copy, not only this tab’s clientID', () => {
    const earlierTab = new Y.Doc()
    earlierTab.getText('body').insert(0, 'typed offline yesterday')
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(earlierTab)) // loaded from IndexedDB
    const saved = new SavedAckTracker(doc)
    saved.receive(answerFor(new Y.Doc()))
    expect(saved.isSaved()).toBe(false) // this tab typed nothing, but the server lacks the earlier tab's text
    saved.receive(answerFor(earlierTab))
    expect(saved.isSaved()).toBe(true)
  })
})
