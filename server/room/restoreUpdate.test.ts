/**
 * restoreUpdate: the one forward update a restore applies. Checked on
 * documents as stock clients make them (an XML fragment as Tiptap writes
 * it, a text, a map, an array), each read back from stored bytes as the
 * server reads them (root types unknown until the content says).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { restoreUpdate } from './restoreUpdate'

/** The document as the server holds it: built from stored bytes, no root type declared. */
function asServerHolds(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

function paragraph(text: string): Y.XmlElement {
  const node = new Y.XmlElement('paragraph')
  node.insert(0, [new Y.XmlText(text)])
  return node
}

describe('restoreUpdate', () => {
  it('turns every kind of root back into the target, as one update a stock client applies', () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    body.insert(0, [paragraph('one'), paragraph('two'), paragraph('three')])
    client.getText('notes').insert(0, 'first notes')
    client.getMap('meta').set('title', 'Old title')
    client.getArray('tags').push(['a', 'b'])
    const target = asServerHolds(client)

    // Then the document moves on.
    body.delete(1, 1)
    body.insert(2, [paragraph('four')])
    ;((body.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'edited ')
    client.getText('notes').insert(0, 'more ')
    client.getMap('meta').set('title', 'New title')
    client.getMap('meta').set('extra', 1)
    client.getArray('tags').push(['c'])

    const update = restoreUpdate(asServerHolds(client), target)
    expect(update).not.toBeNull()
    Y.applyUpdate(client, update!)
    expect(body.toString()).toBe(target.getXmlFragment('default').toString())
    expect(client.getText('notes').toString()).toBe('first notes')
    expect(client.getMap('meta').toJSON()).toEqual({ title: 'Old title' })
    expect(client.getArray('tags').toArray()).toEqual(['a', 'b'])
    // Nothing left to change: no update.
    expect(restoreUpdate(asServerHolds(client), target)).toBeNull()
  })

  it('keeps blocks both sides share as they are, so only changed blocks are replaced', () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    body.insert(0, [paragraph('kept'), paragraph('changed')])
    const target = asServerHolds(client)
    const kept = body.get(0)
    ;((body.get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'x')
    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!)
    expect(body.get(0)).toBe(kept)
    expect(body.toString()).toBe('<paragraph>kept</paragraph><paragraph>changed</paragraph>')
  })

  it("leaves each user's undo to their own edits: undoing after a restore does not undo the restore", () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    body.insert(0, [paragraph('agreed')])
    const target = asServerHolds(client)
    const undo = new Y.UndoManager(body, { captureTimeout: 0 })
    ;((body.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'not ')
    body.insert(1, [paragraph('mine')])
    // The restore arrives from the server (a remote origin, not tracked).
    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!, 'remote')
    expect(body.toString()).toBe('<paragraph>agreed</paragraph>')
    while (undo.canUndo()) undo.undo()
    expect(body.toString()).toBe('<paragraph>agreed</paragraph>')
    undo.destroy()
  })
})
