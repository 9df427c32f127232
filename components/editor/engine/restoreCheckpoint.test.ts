/**
 * A version restore is a checkpoint undo does not cross (HISTORY-30): real
 * Y.Docs, a real Y.UndoManager as the editor's undo plugin makes one (it
 * tracks the editor's own transactions), and for the restore an update
 * made as the server's restoreUpdate makes it: by another client, writing
 * the words again as new items and setting the mark in the same update.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { RESTORE_KEY, RESTORE_MAP } from '../../../lib/restoreMark'
import { clearUndoOnRestore } from './restoreCheckpoint'

/** The editor's origin: what its undo manager tracks. */
const EDITOR = Symbol('editor')
const SERVER = Symbol('server')

/** A user's tab and the server's copy, each update relayed to the other as the sync server does. */
function userAndServer(text: string) {
  const user = new Y.Doc()
  const server = new Y.Doc()
  user.on('update', (update: Uint8Array, origin: unknown) => origin !== SERVER && Y.applyUpdate(server, update, user))
  server.on('update', (update: Uint8Array, origin: unknown) => origin !== user && Y.applyUpdate(user, update, SERVER))
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  user.transact(() => user.getXmlFragment('default').insert(0, [paragraph]), EDITOR)
  const undo = new Y.UndoManager(user.getXmlFragment('default'), { trackedOrigins: new Set([EDITOR]), captureTimeout: 0 })
  return { user, server, undo }
}

const textOf = (doc: Y.Doc) => ((doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).toString()

/** The user deletes words, then the version from before is restored on the server and reaches the user. */
function deleteThenRestore(user: Y.Doc, server: Y.Doc, mark = true) {
  const text = (user.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText
  user.transact(() => text.delete(4, 6), EDITOR) // 'The quick brown fox' -> 'The brown fox'
  expect(textOf(server)).not.toMatch(/quick/)
  server.transact(() => {
    ;((server.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(4, 'quick ')
    if (mark) server.getMap(RESTORE_MAP).set(RESTORE_KEY, { version: '1', at: '2026-12-02T05:00:00.000Z' })
  })
  expect(textOf(user)).toMatch(/^The quick brown fox/)
}

describe('clearUndoOnRestore', () => {
  it('HISTORY-30: after a restore put deleted words back, the user\'s undo does nothing (no words twice)', () => {
    const { user, server, undo } = userAndServer('The quick brown fox')
    const stop = clearUndoOnRestore(user, undo)
    deleteThenRestore(user, server)
    expect(undo.canUndo()).toBe(false)
    undo.undo()
    expect(textOf(user)).toBe('The quick brown fox')
    expect(textOf(server)).toBe('The quick brown fox')

    // What the user does after the restore is undone as ever.
    user.transact(() => ((user.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(19, ' jumps'), EDITOR)
    undo.undo()
    expect(textOf(server)).toBe('The quick brown fox')
    stop()
    undo.destroy()
  })

  it('without the checkpoint, the same undo writes the restored words a second time (the failure it prevents)', () => {
    const { user, server, undo } = userAndServer('The quick brown fox')
    const stop = clearUndoOnRestore(user, undo)
    deleteThenRestore(user, server, false) // a restore that does not mark itself
    undo.undo()
    expect(textOf(user)).toBe('The quick quick brown fox')
    stop()
    undo.destroy()
  })

  it('leaves the undo history alone for changes of the map made in this tab, and once stopped', () => {
    const { user, server, undo } = userAndServer('The quick brown fox')
    const stop = clearUndoOnRestore(user, undo)
    user.transact(() => ((user.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(19, '!'), EDITOR)
    user.getMap(RESTORE_MAP).set(RESTORE_KEY, { version: '9', at: '2026-12-02T05:00:00.000Z' })
    expect(undo.canUndo()).toBe(true)
    stop()
    deleteThenRestore(user, server)
    expect(undo.canUndo()).toBe(true)
    undo.destroy()
  })
})
