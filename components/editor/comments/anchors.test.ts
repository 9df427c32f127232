/**
 * Comment anchors under concurrent edits: three Yjs clients edit around and
 * inside anchored words at random, offline from each other, then sync in a
 * random order. Every anchor whose words survive still covers exactly those
 * words (plus whatever was typed between them); one whose words were all
 * deleted resolves to nothing ("The commented text was deleted").
 */
import { Fragment, Schema, Slice } from '@tiptap/pm/model'
import { EditorState } from '@tiptap/pm/state'
import { initProseMirrorDoc, updateYFragment } from '@tiptap/y-tiptap'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { anchorForRange, mapRange, movedAnchor, resolveAnchor, type EncodedAnchor, type YBinding } from './anchors'

const schema = new Schema({
  nodes: {
    doc: { content: 'paragraph+' },
    paragraph: { content: 'text*' },
    text: {},
  },
})

/** A seeded PRNG (mulberry32): a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The ProseMirror document of a Y.Doc's fragment, with the mapping the binding would have. */
function view(doc: Y.Doc): { binding: YBinding; pm: ReturnType<typeof initProseMirrorDoc>['doc'] } {
  const type = doc.getXmlFragment('default')
  const { doc: pm, mapping } = initProseMirrorDoc(type, schema)
  return { binding: { doc, type, mapping: mapping as YBinding['mapping'] }, pm }
}

/**
 * Pastes paragraphs at ProseMirror position `at` the way the editor does: a
 * ProseMirror replace with an open slice (the first and last pasted
 * paragraphs join the text around the caret), written to Yjs by y-tiptap's
 * own updateYFragment, as its sync plugin does after every transaction.
 */
function paste(doc: Y.Doc, at: number, paragraphs: string[], anchor?: EncodedAnchor): EncodedAnchor | undefined {
  const { binding, pm } = view(doc)
  const before = anchor ? resolveAnchor(binding, anchor) : null
  const slice = new Slice(Fragment.from(paragraphs.map((text) => schema.node('paragraph', null, text ? [schema.text(text)] : []))), 1, 1)
  const tr = EditorState.create({ doc: pm }).tr.replace(at, at, slice)
  doc.transact(() => updateYFragment(doc, binding.type, tr.doc, { mapping: binding.mapping, isOMark: new Map() } as never))
  if (!anchor) return undefined
  // What the editor that pasted does next (commentHighlights.ts): map the range through the paste and, where the
  // anchor no longer resolves to it, anchor the thread again on the mapped range.
  return movedAnchor(view(doc).binding, anchor, mapRange(before, tr.mapping)) ?? anchor
}

/** A document of paragraphs, and the text an anchor covers now (paragraphs joined by newlines). */
function documentOf(...paragraphs: string[]): Y.Doc {
  const doc = new Y.Doc()
  doc.getXmlFragment('default').insert(
    0,
    paragraphs.map((text) => {
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText(text)])
      return paragraph
    }),
  )
  return doc
}

function coveredText(doc: Y.Doc, anchor: EncodedAnchor): string | null {
  const { binding, pm } = view(doc)
  const resolved = resolveAnchor(binding, anchor)
  return resolved ? pm.textBetween(resolved.from, resolved.to, '\n') : null
}

/** Where `text` starts in the ProseMirror document (inside paragraph `p`). */
function pmOffset(pm: ReturnType<typeof view>['pm'], paragraph: number, index: number): number {
  let pos = 0
  for (let i = 0; i < paragraph; i++) pos += pm.child(i).nodeSize
  return pos + 1 + index
}

function syncAll(docs: Y.Doc[], next: () => number) {
  const order = docs.map((doc, i) => ({ doc, key: next(), i })).sort((a, b) => a.key - b.key)
  for (const { doc: from } of order) {
    for (const to of docs) if (to !== from) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
  }
}

const FILLER = '_'
const WORDS = ['quick brown fox', 'lazy dog', 'jumps', 'over the moon', 'gone soon']

describe('comment anchors under concurrent edits', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    // proves: COMMENTS-10
    it(`keeps every surviving anchor on its words (seed ${seed})`, () => {
      const next = random(seed)
      const a = new Y.Doc()
      // Paragraph i: filler, the words, filler. Only the filler, and digits typed later, are ever deleted.
      const fragment = a.getXmlFragment('default')
      fragment.insert(
        0,
        WORDS.map((words) => {
          const paragraph = new Y.XmlElement('paragraph')
          paragraph.insert(0, [new Y.XmlText(`${FILLER.repeat(6)}${words}${FILLER.repeat(6)}`)])
          return paragraph
        }),
      )
      const docs = [a, new Y.Doc(), new Y.Doc()]
      syncAll(docs, next)

      // Anchors made by client 0, from ProseMirror positions as the editor would.
      const start = view(a)
      const anchors: EncodedAnchor[] = WORDS.map((words, p) => anchorForRange(start.binding, pmOffset(start.pm, p, 6), pmOffset(start.pm, p, 6 + words.length)))
      for (const [p, anchor] of anchors.entries()) {
        const resolved = resolveAnchor(start.binding, anchor)!
        expect(start.pm.textBetween(resolved.from, resolved.to)).toBe(WORDS[p])
      }

      for (let round = 0; round < 12; round++) {
        for (const doc of docs) {
          const paragraphs = doc.getXmlFragment('default').toArray() as Y.XmlElement[]
          for (let edit = 0; edit < 6; edit++) {
            const paragraph = paragraphs[Math.floor(next() * paragraphs.length)]
            const text = paragraph.get(0) as Y.XmlText
            const content = text.toString()
            if (next() < 0.6) {
              // Digits anywhere: before, inside, right at either edge of, or after the words.
              text.insert(Math.floor(next() * (content.length + 1)), String(Math.floor(next() * 1000)))
            } else {
              // Delete a run of filler or digits (never a letter of the words).
              const at = Math.floor(next() * content.length)
              let end = at
              while (end < content.length && end - at < 4 && /[_0-9]/.test(content[end])) end++
              if (end > at) text.delete(at, end - at)
            }
          }
          // Now and then, a new paragraph moves everything after it.
          if (next() < 0.3) {
            const paragraph = new Y.XmlElement('paragraph')
            paragraph.insert(0, [new Y.XmlText('new 123')])
            doc.getXmlFragment('default').insert(Math.floor(next() * (paragraphs.length + 1)), [paragraph])
          }
        }
        if (next() < 0.5) syncAll(docs, next)
      }
      // The last anchor's words are deleted entirely by client 2 (after a sync, so nobody types inside them meanwhile).
      syncAll(docs, next)
      const victimDoc = docs[2]
      const victim = (victimDoc.getXmlFragment('default').toArray() as Y.XmlElement[]).find((p) => (p.get(0) as Y.XmlText).toString().replace(/\d/g, '').includes('gone soon'))!
      const victimText = victim.get(0) as Y.XmlText
      const content = victimText.toString()
      const first = content.indexOf('g')
      const last = content.lastIndexOf('n')
      victimText.delete(first, last - first + 1)
      syncAll(docs, next)

      const texts = docs.map((doc) => doc.getXmlFragment('default').toString())
      expect(new Set(texts).size).toBe(1)
      for (const doc of docs) {
        const { binding, pm } = view(doc)
        for (const [p, anchor] of anchors.entries()) {
          const resolved = resolveAnchor(binding, anchor)
          if (WORDS[p] === 'gone soon') {
            expect(resolved, 'a deleted range resolves to nothing').toBeNull()
            continue
          }
          expect(resolved, WORDS[p]).not.toBeNull()
          const covered = pm.textBetween(resolved!.from, resolved!.to)
          // Exactly the words, with only what was typed between them added: nothing lost, nothing from outside.
          expect(covered.replace(/\d/g, ''), `${WORDS[p]} in ${JSON.stringify(covered)}`).toBe(WORDS[p])
          expect(covered[0]).toBe(WORDS[p][0])
          expect(covered.at(-1)).toBe(WORDS[p].at(-1))
        }
      }
    })
  }

  // proves: COMMENTS-19
  it('follows an undo: words deleted and then restored by undo are covered again', () => {
    const doc = new Y.Doc()
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('aaa quick fox bbb')])
    doc.getXmlFragment('default').insert(0, [paragraph])
    const anchor = anchorForRange(view(doc).binding, 5, 14)
    const undo = new Y.UndoManager(doc.getXmlFragment('default'))
    ;(paragraph.get(0) as Y.XmlText).delete(2, 14)
    expect(resolveAnchor(view(doc).binding, anchor)).toBeNull()
    undo.undo()
    const { binding, pm } = view(doc)
    const resolved = resolveAnchor(binding, anchor)!
    expect(pm.textBetween(resolved.from, resolved.to)).toBe('quick fox')
  })

  describe('a paste', () => {
    // "aaa quick brown fox bbb" is paragraph 2; the anchor covers "quick brown fox".
    const setUp = () => {
      const doc = documentOf('first paragraph', 'aaa quick brown fox bbb', 'last paragraph')
      const { binding, pm } = view(doc)
      const anchor = anchorForRange(binding, pmOffset(pm, 1, 4), pmOffset(pm, 1, 19))
      expect(coveredText(doc, anchor)).toBe('quick brown fox')
      return { doc, anchor }
    }

    it('of several paragraphs into a paragraph before the commented one leaves the thread on its words', () => {
      const { doc, anchor } = setUp()
      paste(doc, pmOffset(view(doc).pm, 0, 5), ['one', 'two', 'three'])
      expect(view(doc).pm.textBetween(0, view(doc).pm.content.size, '\n')).toBe('firstone\ntwo\nthree paragraph\naaa quick brown fox bbb\nlast paragraph')
      expect(coveredText(doc, anchor)).toBe('quick brown fox')
    })

    it('of one line inside and just before the commented words: the pasted text inside is covered, the one before is not', () => {
      const { doc, anchor } = setUp()
      paste(doc, pmOffset(view(doc).pm, 1, 10), ['pasted '])
      paste(doc, pmOffset(view(doc).pm, 1, 4), ['before '])
      expect(coveredText(doc, anchor)).toBe('quick pasted brown fox')
    })

    // y-prosemirror rewrites the part of a paragraph after a split as new Yjs items (yjs/y-prosemirror#44), so the
    // anchor alone loses the words after the split; the editor that pasted anchors the thread again from
    // ProseMirror's mapping of its range (COMMENTS-20).
    // proves: COMMENTS-20
    it('of several paragraphs inside the commented words, or before them in their paragraph, keeps the thread on its words once the pasting editor re-anchors it', () => {
      const { doc, anchor } = setUp()
      const first = paste(doc, pmOffset(view(doc).pm, 1, 10), ['one', 'two'], anchor)!
      expect(view(doc).pm.textBetween(0, view(doc).pm.content.size, '\n')).toBe('first paragraph\naaa quick one\ntwobrown fox bbb\nlast paragraph')
      expect(first).not.toEqual(anchor)
      expect(coveredText(doc, first)).toBe('quick one\ntwobrown fox')
      const second = paste(doc, pmOffset(view(doc).pm, 1, 2), ['x', 'y'], first)!
      expect(coveredText(doc, second)).toBe('quick one\ntwobrown fox')
      // An edit the anchor follows by itself needs no new anchor.
      const third = paste(doc, pmOffset(view(doc).pm, 0, 5), ['more '], second)
      expect(third).toBe(second)
      expect(coveredText(doc, second)).toBe('quick one\ntwobrown fox')
    })

    it('without re-anchoring, the anchor alone loses the words after the split (why the editor re-anchors)', () => {
      const { doc, anchor } = setUp()
      paste(doc, pmOffset(view(doc).pm, 1, 10), ['one', 'two'])
      expect(coveredText(doc, anchor)).not.toBe('quick one\ntwobrown fox')
    })
  })

  it('refuses anchors that are not positions', () => {
    const { binding } = view(new Y.Doc())
    expect(resolveAnchor(binding, { start: '%%%', end: 'AA==' })).toBeNull()
  })
})
