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

  it('keeps blocks both sides share as they are, so only changed blocks are touched', () => {
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

// proves: HISTORY-30
describe('restoreUpdate and the restore mark', () => {
  it('sets the mark in its own update, even when the content is already the version', () => {
    const client = new Y.Doc()
    client.getXmlFragment('default').insert(0, [paragraph('same')])
    const target = asServerHolds(client)
    expect(restoreUpdate(asServerHolds(client), target)).toBeNull()
    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target, { version: '7', at: '2026-12-02T05:00:00.000Z' })!)
    expect(client.getMap('restore').toJSON()).toEqual({ last: { version: '7', at: '2026-12-02T05:00:00.000Z' } })
    expect(client.getXmlFragment('default').toString()).toBe('<paragraph>same</paragraph>')
  })

  it('neither compares nor restores the mark: a version holding an older one gets the new one, and no mark is taken away', () => {
    const client = new Y.Doc()
    client.getXmlFragment('default').insert(0, [paragraph('old')])
    client.getMap('restore').set('last', { version: '1', at: '2026-12-01T00:00:00.000Z' })
    const target = asServerHolds(client)
    client.getMap('restore').set('last', { version: '2', at: '2026-12-02T00:00:00.000Z' })
    // Only the mark differs: nothing to restore.
    expect(restoreUpdate(asServerHolds(client), target)).toBeNull()
    ;(client.getXmlFragment('default').get(0) as Y.XmlElement).insert(1, [new Y.XmlText(' new')])
    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!)
    expect(client.getXmlFragment('default').toString()).toBe('<paragraph>old</paragraph>')
    expect(client.getMap('restore').get('last')).toEqual({ version: '2', at: '2026-12-02T00:00:00.000Z' })
    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target, { version: '3', at: '2026-12-03T00:00:00.000Z' })!)
    expect(client.getMap('restore').get('last')).toEqual({ version: '3', at: '2026-12-03T00:00:00.000Z' })
  })
})

/**
 * The content exactly, marks and attributes included (toString drops
 * non-string attribute values): per character, so that one run Yjs happens
 * to list as two reads the same, as it does in the editor.
 */
function exactly(type: Y.XmlFragment | Y.XmlElement | Y.XmlText): unknown {
  if (type instanceof Y.XmlText) {
    const ops = type.toDelta() as { insert: unknown; attributes?: object }[]
    return ops.flatMap(({ insert, attributes }) => (typeof insert === 'string' ? [...insert.split('')] : [insert]).map((unit) => [unit, attributes ?? {}]))
  }
  const children = type.toArray().map((child) => exactly(child as Y.XmlElement | Y.XmlText))
  return type instanceof Y.XmlElement ? { name: type.nodeName, attributes: type.getAttributes(), children } : children
}

function textOf(element: Y.XmlElement): Y.XmlText {
  return element.get(0) as Y.XmlText
}

/** The words a pair of relative positions covers now, in `doc`. */
function covered(doc: Y.Doc, start: Y.RelativePosition, end: Y.RelativePosition): string {
  const from = Y.createAbsolutePositionFromRelativePosition(start, doc)!
  const to = Y.createAbsolutePositionFromRelativePosition(end, doc)!
  expect(from.type).toBe(to.type)
  return (from.type as Y.XmlText).toString().slice(from.index, to.index)
}

describe('restoreUpdate inside changed blocks', () => {
  // proves: COMMENTS-19
  it('restores an edited paragraph by changing only its differing characters, so positions on words in both stay on them', () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    item.insert(0, [paragraph('in a list: keep these words, then more')])
    list.insert(0, [item])
    body.insert(0, [paragraph('The quick brown fox jumps over the dog'), list])
    const target = asServerHolds(client)

    // Since the version: words changed before, between and after the anchored ones.
    const text = textOf(body.get(0) as Y.XmlElement)
    text.delete(4, 5)
    text.insert(4, 'slow')
    text.insert(text.length, ' today')
    const nested = textOf(item.get(0) as Y.XmlElement)
    nested.insert(0, 'Now ')
    nested.delete(nested.length - 4, 4)
    // Anchors on words present both now and in the version, taken now (as a comment made after the version).
    const at = (type: Y.XmlText, words: string) => {
      const index = type.toString().indexOf(words)
      return [Y.createRelativePositionFromTypeIndex(type, index, 0), Y.createRelativePositionFromTypeIndex(type, index + words.length, -1)] as const
    }
    const fox = at(text, 'brown fox jumps')
    const kept = at(nested, 'keep these words')
    expect(covered(client, ...fox)).toBe('brown fox jumps')

    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!, 'remote')
    expect(exactly(body)).toEqual(exactly(target.getXmlFragment('default')))
    // The same elements and texts, only their middles changed: the anchors still cover their words.
    expect(textOf(body.get(0) as Y.XmlElement)).toBe(text)
    expect(covered(client, ...fox)).toBe('brown fox jumps')
    expect(covered(client, ...kept)).toBe('keep these words')
  })

  it('patches the edited paragraph, not one typed since above it: positions in the edited one stay on their words', () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    body.insert(0, [paragraph('Intro'), paragraph('The body says what was agreed')])
    const target = asServerHolds(client)
    const edited = body.get(1) as Y.XmlElement
    textOf(edited).insert(0, 'Now ')
    body.insert(1, [paragraph('A note typed later')])
    const text = textOf(edited)
    const index = text.toString().indexOf('what was agreed')
    const anchor = [Y.createRelativePositionFromTypeIndex(text, index, 0), Y.createRelativePositionFromTypeIndex(text, index + 15, -1)] as const

    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!)
    expect(exactly(body)).toEqual(exactly(target.getXmlFragment('default')))
    expect(body.get(1)).toBe(edited)
    expect(covered(client, ...anchor)).toBe('what was agreed')
  })

  it('brings the marks of the restored middle back exactly: bold, links, and none where there were none', () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    body.insert(0, [paragraph('')])
    const text = textOf(body.get(0) as Y.XmlElement)
    text.insert(0, 'plain ', {})
    text.insert(6, 'bold', { bold: {} })
    text.insert(10, ' and ', {})
    text.insert(15, 'a link', { link: { href: 'https://example.com/a', target: '_blank' } })
    text.insert(21, ' end', {})
    const target = asServerHolds(client)

    // Since then: the bold is unbolded, the link retargeted, and typed over.
    text.format(6, 4, { bold: null })
    text.format(15, 6, { link: { href: 'https://example.com/b' } })
    text.insert(11, 'X', { italic: {} })
    text.delete(0, 2)
    text.insert(text.length - 1, 'zz', { bold: {} })

    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!)
    expect(text.toDelta()).toEqual(textOf(target.getXmlFragment('default').get(0) as Y.XmlElement).toDelta())
    expect(text.toDelta()).toEqual([
      { insert: 'plain ' },
      { insert: 'bold', attributes: { bold: {} } },
      { insert: ' and ' },
      { insert: 'a link', attributes: { link: { href: 'https://example.com/a', target: '_blank' } } },
      { insert: ' end' },
    ])
    expect(restoreUpdate(asServerHolds(client), target)).toBeNull()
  })

  it("sets a changed heading level back in place: the heading's text, and what points into it, stay", () => {
    const client = new Y.Doc()
    const body = client.getXmlFragment('default')
    const heading = new Y.XmlElement('heading')
    heading.setAttribute('level', 1 as never)
    heading.insert(0, [new Y.XmlText('Title')])
    body.insert(0, [heading])
    const target = asServerHolds(client)
    heading.setAttribute('level', 2 as never)
    heading.setAttribute('textAlign', 'center')
    const title = heading.get(0)
    Y.applyUpdate(client, restoreUpdate(asServerHolds(client), target)!)
    expect(exactly(body)).toEqual(exactly(target.getXmlFragment('default')))
    expect(body.get(0)).toBe(heading)
    expect(heading.get(0)).toBe(title)
    expect(heading.getAttributes()).toEqual({ level: 1 })
  })

  /** A seeded PRNG (mulberry32), so a failing seed can be replayed. */
  function random(seed: number) {
    let a = seed
    return () => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }

  const MARKS: Record<string, unknown>[] = [{}, { bold: {} }, { italic: {} }, { bold: {}, italic: {} }, { link: { href: 'https://example.com/x' } }, { link: { href: 'https://example.com/y' } }]

  /** Every text in the fragment, depth first. */
  function texts(type: Y.XmlFragment | Y.XmlElement): Y.XmlText[] {
    return type.toArray().flatMap((child) => (child instanceof Y.XmlText ? [child] : child instanceof Y.XmlElement ? texts(child) : []))
  }

  /** One random edit: typing with marks, deleting, formatting, or adding/removing/wrapping blocks. */
  function edit(doc: Y.Doc, next: () => number) {
    const body = doc.getXmlFragment('default')
    const pick = <T,>(list: T[]) => list[Math.floor(next() * list.length)]
    const all = texts(body)
    const roll = next()
    if (roll < 0.35 && all.length > 0) {
      const text = pick(all)
      text.insert(Math.floor(next() * (text.length + 1)), pick(['a', 'bc', ' word ', 'é', '😀', 'xyz']), { ...pick(MARKS) })
    } else if (roll < 0.6 && all.length > 0) {
      const text = pick(all)
      const at = Math.floor(next() * text.length)
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(next() * 5)))
    } else if (roll < 0.75 && all.length > 0) {
      const text = pick(all)
      const at = Math.floor(next() * text.length)
      text.format(at, Math.min(text.length - at, 1 + Math.floor(next() * 6)), pick([{ bold: null }, { bold: {} }, { link: null }, ...MARKS.slice(1)]))
    } else if (roll < 0.8 && body.length > 0) {
      // Block attributes change too (alignment, a heading's level).
      const block = body.get(Math.floor(next() * body.length))
      if (block instanceof Y.XmlElement) {
        if (next() < 0.3) block.removeAttribute('textAlign')
        else block.setAttribute('textAlign', pick(['left', 'center', 'right']))
        if (next() < 0.3) block.setAttribute('level', Math.ceil(next() * 3) as never)
      }
    } else if (roll < 0.87) {
      const block = next() < 0.7 ? paragraph(pick(['new', 'another one', ''])) : new Y.XmlElement('horizontalRule')
      body.insert(Math.floor(next() * (body.length + 1)), [block])
    } else if (roll < 0.93 && body.length > 1) {
      body.delete(Math.floor(next() * body.length), 1)
    } else if (body.length > 0) {
      // A list with a paragraph of its own, to restore nested blocks too.
      const list = new Y.XmlElement('bulletList')
      const item = new Y.XmlElement('listItem')
      item.insert(0, [paragraph(pick(['item', 'two words']))])
      list.insert(0, [item])
      body.insert(Math.floor(next() * (body.length + 1)), [list])
    }
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`restores a randomly edited document to its version exactly (seed ${seed})`, () => {
      const next = random(seed)
      const alice = new Y.Doc()
      const bob = new Y.Doc()
      alice.getXmlFragment('default').insert(0, [paragraph('The quick brown fox'), paragraph('jumps over'), paragraph('the lazy dog')])
      for (let i = 0; i < 20; i++) edit(alice, next)
      Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice))
      const target = asServerHolds(alice)
      // Then two people edit it, apart and together.
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 8; i++) {
          edit(alice, next)
          edit(bob, next)
        }
        Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice, Y.encodeStateVector(bob)))
        Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob, Y.encodeStateVector(alice)))
      }
      const update = restoreUpdate(asServerHolds(alice), target)
      if (update) Y.applyUpdate(alice, update)
      expect(exactly(alice.getXmlFragment('default'))).toEqual(exactly(target.getXmlFragment('default')))
      expect(restoreUpdate(asServerHolds(alice), target)).toBeNull()
      // And the other way: the edited state restored over the version.
      const back = asServerHolds(target)
      const forward = restoreUpdate(back, asServerHolds(alice))
      expect(forward).toBeNull()
    })
  }
})
