import { absolutePositionToRelativePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import type { EditorState } from '@tiptap/pm/state'
import type { Mappable } from '@tiptap/pm/transform'
import * as Y from 'yjs'

/**
 * Comment anchors (issue 16): a commented range is kept as two Yjs relative
 * positions, not ProseMirror offsets, so it stays on the same words whatever
 * others insert or delete around it, and through undo and version restores
 * (which are Yjs changes like any other).
 *
 * The start sticks to the first commented character (assoc 0: text typed
 * just before it stays outside), the end to the last one (assoc -1: text
 * typed just after it stays outside). Text typed between them is inside.
 */

export interface EncodedAnchor {
  start: string
  end: string
}

/** What ySyncPlugin keeps: the Y.XmlFragment it binds and the Y type → ProseMirror node mapping. */
export interface YBinding {
  doc: Y.Doc
  type: Y.XmlFragment
  mapping: Map<Y.AbstractType<unknown>, unknown>
}

/** The binding of the editor's Collaboration extension, or null before it exists. */
export function bindingOf(state: EditorState): YBinding | null {
  const sync = ySyncPluginKey.getState(state) as { binding?: { doc: Y.Doc; type: Y.XmlFragment; mapping: Map<Y.AbstractType<unknown>, unknown> } | null } | undefined
  const binding = sync?.binding
  return binding ? { doc: binding.doc, type: binding.type, mapping: binding.mapping } : null
}

export function encodePosition(position: Y.RelativePosition): string {
  const bytes = Y.encodeRelativePosition(position)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

export function decodePosition(encoded: string): Y.RelativePosition | null {
  try {
    const binary = atob(encoded)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return Y.decodeRelativePosition(bytes)
  } catch {
    return null
  }
}

/** The same place, made to stick to the item after it (y-tiptap always makes positions stick left). */
function stickRight(position: Y.RelativePosition, doc: Y.Doc): Y.RelativePosition {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc)
  if (!absolute || !(absolute.type instanceof Y.XmlText) || absolute.index >= absolute.type.length) return position
  return Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, 0)
}

/** The anchor of ProseMirror range from–to, in the binding's Y document. */
export function anchorForRange(binding: YBinding, from: number, to: number): EncodedAnchor {
  const start = stickRight(absolutePositionToRelativePosition(from, binding.type, binding.mapping as never), binding.doc)
  const end = absolutePositionToRelativePosition(to, binding.type, binding.mapping as never)
  return { start: encodePosition(start), end: encodePosition(end) }
}

/**
 * Where an anchor is now in the ProseMirror document, or null when none of
 * its text is left (its start has reached or passed its end).
 */
export function resolveAnchor(binding: YBinding, anchor: EncodedAnchor): { from: number; to: number } | null {
  const start = decodePosition(anchor.start)
  const end = decodePosition(anchor.end)
  if (!start || !end) return null
  const from = toPmPosition(binding, start)
  const to = toPmPosition(binding, end)
  if (from === null || to === null || from >= to) return null
  return { from, to }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types are invariant in their event type
type AnyType = Y.AbstractType<any>

/** The ProseMirror size of one child of a Y type: a text's length, an element's node size (null: not rendered). */
function sizeOf(binding: YBinding, type: AnyType): number | null {
  if (type instanceof Y.XmlText) return type.length
  const node = binding.mapping.get(type) as { nodeSize: number } | undefined
  return node ? node.nodeSize : null
}

/** Sizes of `parent`'s live children before `stop` (or its first `count` live children). */
function sizeBefore(binding: YBinding, parent: AnyType, stop: { child: AnyType } | { count: number }): number | null {
  let size = 0
  let seen = 0
  for (let item = parent._first; item !== null; item = item.right) {
    const child = (item.content as Y.ContentType).type as AnyType
    if ('child' in stop ? child === stop.child : seen >= stop.count) break
    if (item.deleted) continue
    const childSize = sizeOf(binding, child)
    if (childSize === null) return null
    size += childSize
    seen++
  }
  return size
}

/**
 * A relative position as a ProseMirror position. (y-tiptap's own
 * relativePositionToAbsolutePosition refuses the very start of the first
 * paragraph, where a caret may be misplaced mid-restructure; an anchor there
 * is real, so the walk is done here.) Null once the position's paragraph is gone.
 */
function toPmPosition(binding: YBinding, relative: Y.RelativePosition): number | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(relative, binding.doc)
  if (!absolute) return null
  let type = absolute.type as AnyType
  if (type !== binding.type && !Y.isParentOf(binding.type, type._item)) return null
  let pos: number
  if (type instanceof Y.XmlText) pos = absolute.index
  else {
    const inner = sizeBefore(binding, type, { count: absolute.index })
    if (inner === null) return null
    pos = inner
  }
  // Climb to the fragment, adding what precedes each level and each element's opening tag.
  while (type !== binding.type) {
    const item = type._item
    if (!item || item.deleted) return null
    const parent = item.parent as AnyType
    const before = sizeBefore(binding, parent, { child: type })
    if (before === null) return null
    pos += before + (type instanceof Y.XmlText ? 0 : 1)
    type = parent
  }
  return pos
}

/** A range mapped through a local ProseMirror change: text typed at either edge stays outside, as with the anchors. */
export function mapRange(range: { from: number; to: number } | null, mapping: Mappable): { from: number; to: number } | null {
  if (!range) return null
  const from = mapping.map(range.from, 1)
  const to = mapping.map(range.to, -1)
  return from < to ? { from, to } : null
}

/**
 * After this editor's own change (once the binding has written it to Yjs),
 * the range mapped through ProseMirror is the truth. y-prosemirror rewrites
 * the part of a paragraph after a split as new Yjs items
 * (yjs/y-prosemirror#44), so an anchor there no longer finds its words: the
 * editor that made the change then anchors the thread again on the mapped
 * range. Null when the anchor still resolves to the mapped range (nothing to
 * send) or when nothing of the range is left.
 */
export function movedAnchor(binding: YBinding, anchor: EncodedAnchor, mapped: { from: number; to: number } | null): EncodedAnchor | null {
  if (!mapped) return null
  const resolved = resolveAnchor(binding, anchor)
  if (resolved && resolved.from === mapped.from && resolved.to === mapped.to) return null
  return anchorForRange(binding, mapped.from, mapped.to)
}
