/**
 * What a version of the document holds, block by block, and what changed
 * between two versions: the history panel's read-only preview. Plain
 * TypeScript on Yjs, no ProseMirror: a version arrives as one Yjs update
 * and is read straight from its XML fragment (documentShape.ts).
 */
import * as Y from 'yjs'
import { BODY_FRAGMENT } from './documentShape'

export interface Block {
  /** The node name: `paragraph`, `heading`, `bulletList`, … */
  type: string
  /** Heading level, when it is a heading. */
  level: number | null
  /** The block's text, formatting left out. */
  text: string
}

export type BlockChange = { kind: 'same' | 'inserted' | 'deleted'; block: Block }

/** The top-level blocks of a version's state (one Yjs update). */
export function blocksOfState(state: Uint8Array): Block[] {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, state)
    return doc
      .getXmlFragment(BODY_FRAGMENT)
      .toArray()
      .map((node) => {
        if (node instanceof Y.XmlElement) {
          const level = node.getAttribute('level') as unknown
          return { type: node.nodeName, level: typeof level === 'number' ? level : null, text: textOf(node) }
        }
        return { type: 'paragraph', level: null, text: textOf(node) }
      })
  } finally {
    doc.destroy()
  }
}

function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert: unknown }[]).map((part) => (typeof part.insert === 'string' ? part.insert : '')).join('')
  }
  if (node instanceof Y.XmlElement) {
    const children = node.toArray() as (Y.XmlElement | Y.XmlText)[]
    // Nested blocks (list items) read as lines; inline text runs together.
    return children.map(textOf).join(children.some((child) => child instanceof Y.XmlElement) ? '\n' : '')
  }
  return ''
}

const sameBlock = (a: Block, b: Block) => a.type === b.type && a.level === b.level && a.text === b.text

/**
 * `after`'s blocks, with the blocks of `before` that are gone put back where
 * they were, each marked: unchanged, inserted since `before`, or deleted
 * since. A changed block reads as the old one deleted and the new inserted.
 */
export function diffBlocks(before: readonly Block[], after: readonly Block[]): BlockChange[] {
  const n = before.length
  const m = after.length
  const lengths: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i][j] = sameBlock(before[i], after[j]) ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1])
    }
  }
  const changes: BlockChange[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && sameBlock(before[i], after[j])) {
      changes.push({ kind: 'same', block: after[j] })
      i++
      j++
    } else if (i < n && (j === m || lengths[i + 1][j] >= lengths[i][j + 1])) {
      changes.push({ kind: 'deleted', block: before[i] })
      i++
    } else {
      changes.push({ kind: 'inserted', block: after[j] })
      j++
    }
  }
  return changes
}
