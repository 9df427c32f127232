import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'
import { bindingOf, mapRange, movedAnchor, resolveAnchor, type EncodedAnchor } from './anchors'

/**
 * Highlights of commented ranges (issue 16), as ProseMirror decorations.
 * The truth is each thread's Yjs anchor: ranges are resolved from it when
 * the threads change and whenever a change arrives through Yjs (someone
 * else's edit, an undo, a version restore), and mapped through local edits
 * in between, then resolved again just after (once the binding has written
 * the edit into Yjs), so they never drift.
 */

export interface AnchoredThread {
  id: string
  anchor: EncodedAnchor
  /** Open threads are highlighted; resolved ones are only located. */
  highlight: boolean
}

export type ThreadRange = { from: number; to: number } | null

export interface CommentHighlightState {
  threads: AnchoredThread[]
  /** Where each thread's text is now; null once all of it was deleted. */
  ranges: ReadonlyMap<string, ThreadRange>
  /** The thread shown as selected in the panel. */
  activeId: string | null
  decorations: DecorationSet
  /**
   * Anchors this editor set after its own change (COMMENTS-20), used instead of the threads' own until the
   * thread list brings them back from the server (useAnchorMoves sends them) or the server refused them.
   */
  moved: ReadonlyMap<string, EncodedAnchor>
  /** True while the ranges were mapped through a local change and not yet compared with the anchors. */
  local: boolean
}

type Meta = { threads?: AnchoredThread[]; activeId?: string | null; refresh?: true; moved?: ReadonlyMap<string, EncodedAnchor>; dropMoved?: string }

const sameAnchor = (a: EncodedAnchor | undefined, b: EncodedAnchor | undefined) => Boolean(a && b && a.start === b.start && a.end === b.end)

/** The threads with the anchors this editor moved in place of their own. */
function effective(threads: AnchoredThread[], moved: ReadonlyMap<string, EncodedAnchor>): AnchoredThread[] {
  return moved.size === 0 ? threads : threads.map((t) => (moved.has(t.id) ? { ...t, anchor: moved.get(t.id)! } : t))
}

/** Forgets an anchor this editor moved (the server refused it): the thread's own anchor counts again. */
export function dropMovedAnchor(state: EditorState, threadId: string): Transaction {
  return state.tr.setMeta(commentHighlightsKey, { dropMoved: threadId } satisfies Meta).setMeta('addToHistory', false)
}

export const commentHighlightsKey = new PluginKey<CommentHighlightState>('commentHighlights')

function decorate(state: EditorState, threads: AnchoredThread[], ranges: ReadonlyMap<string, ThreadRange>, activeId: string | null): DecorationSet {
  const decorations: Decoration[] = []
  for (const thread of threads) {
    const range = ranges.get(thread.id)
    if (!thread.highlight || !range) continue
    const active = thread.id === activeId
    decorations.push(
      Decoration.inline(
        range.from,
        range.to,
        { class: active ? 'tandem-comment tandem-comment-active' : 'tandem-comment', 'data-comment-thread': thread.id },
        { inclusiveStart: false, inclusiveEnd: false },
      ),
    )
  }
  return DecorationSet.create(state.doc, decorations)
}

function resolveAll(state: EditorState, threads: AnchoredThread[]): Map<string, ThreadRange> | null {
  const binding = bindingOf(state)
  if (!binding) return null
  return new Map(threads.map((thread) => [thread.id, resolveAnchor(binding, thread.anchor)]))
}

function mapRanges(ranges: ReadonlyMap<string, ThreadRange>, tr: Transaction): Map<string, ThreadRange> {
  return new Map([...ranges].map(([id, range]) => [id, mapRange(range, tr.mapping)]))
}

/** Tells the plugin the document's threads, and which is selected. */
export function setCommentThreads(state: EditorState, threads: AnchoredThread[], activeId: string | null): Transaction {
  return state.tr.setMeta(commentHighlightsKey, { threads, activeId } satisfies Meta).setMeta('addToHistory', false)
}

export const CommentHighlights = Extension.create({
  name: 'commentHighlights',
  addProseMirrorPlugins() {
    return [
      new Plugin<CommentHighlightState>({
        key: commentHighlightsKey,
        state: {
          init: (_config, state) => ({ threads: [], ranges: new Map(), activeId: null, decorations: DecorationSet.create(state.doc, []), moved: new Map(), local: false }),
          apply(tr, value, oldState, newState) {
            const meta = tr.getMeta(commentHighlightsKey) as Meta | undefined
            const threads = meta?.threads ?? value.threads
            const activeId = meta?.activeId !== undefined ? meta.activeId : value.activeId
            const throughYjs = tr.getMeta(ySyncPluginKey) !== undefined
            let moved = value.moved
            if (meta?.threads || meta?.moved || meta?.dropMoved) {
              const next = new Map([...moved, ...(meta.moved ?? [])])
              if (meta.dropMoved) next.delete(meta.dropMoved)
              // A moved anchor the server now has (or a thread gone) needs no override.
              if (meta.threads) {
                const own = new Map(threads.map((t) => [t.id, t.anchor]))
                for (const [id, anchor] of next) if (!own.has(id) || sameAnchor(own.get(id), anchor)) next.delete(id)
              }
              moved = next
            }
            const anchored = effective(threads, moved)
            let ranges: ReadonlyMap<string, ThreadRange> = value.ranges
            let local = false
            if (meta || throughYjs) {
              // The binding lives in the sync plugin's state, the same object before and after.
              ranges = resolveAll(newState, anchored) ?? resolveAll(oldState, anchored) ?? (tr.docChanged ? mapRanges(value.ranges, tr) : value.ranges)
            } else if (tr.docChanged) {
              ranges = mapRanges(value.ranges, tr)
              local = true
            } else {
              return value
            }
            return { threads, ranges, activeId, decorations: decorate(newState, threads, ranges, activeId), moved, local }
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
        },
        view: (view) => {
          let pending: ReturnType<typeof setTimeout> | null = null
          let doc: Y.Doc | null = null
          const checked = new WeakSet<CommentHighlightState>()
          // The binding has just written this editor's own change into Yjs (synchronously, in its view update):
          // the ranges mapped through it are the truth, and a thread whose anchor no longer resolves to its
          // mapped range (y-prosemirror#44: a split rewrote its words as new items) is anchored again (COMMENTS-20).
          const afterTransaction = (transaction: Y.Transaction) => {
            if (transaction.origin !== ySyncPluginKey || view.isDestroyed) return
            const state = commentHighlightsKey.getState(view.state)
            const binding = bindingOf(view.state)
            if (!state || !state.local || !binding || checked.has(state)) return
            checked.add(state)
            const moves = new Map<string, EncodedAnchor>()
            for (const thread of effective(state.threads, state.moved)) {
              const anchor = movedAnchor(binding, thread.anchor, state.ranges.get(thread.id) ?? null)
              if (anchor) moves.set(thread.id, anchor)
            }
            if (moves.size === 0) return
            // Not from inside the binding's own update: just after it.
            queueMicrotask(() => {
              if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(commentHighlightsKey, { moved: moves } satisfies Meta).setMeta('addToHistory', false))
            })
          }
          const listen = () => {
            const binding = doc ? null : bindingOf(view.state)
            if (!binding) return
            doc = binding.doc
            doc.on('afterTransaction', afterTransaction)
          }
          listen()
          return {
            update(view, previous) {
              listen()
              // A local edit was mapped; once Yjs has it, resolve from the anchors again.
              if (view.state.doc === previous.doc || pending) return
              pending = setTimeout(() => {
                pending = null
                if (view.isDestroyed) return
                view.dispatch(view.state.tr.setMeta(commentHighlightsKey, { refresh: true } satisfies Meta).setMeta('addToHistory', false))
              }, 0)
            },
            destroy() {
              if (pending) clearTimeout(pending)
              doc?.off('afterTransaction', afterTransaction)
            },
          }
        },
      }),
    ]
  },
})
