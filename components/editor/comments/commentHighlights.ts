import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { bindingOf, mapRange, resolveAnchor, type EncodedAnchor } from './anchors'

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
}

type Meta = { threads?: AnchoredThread[]; activeId?: string | null; refresh?: true }

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
          init: (_config, state) => ({ threads: [], ranges: new Map(), activeId: null, decorations: DecorationSet.create(state.doc, []) }),
          apply(tr, value, oldState, newState) {
            const meta = tr.getMeta(commentHighlightsKey) as Meta | undefined
            const threads = meta?.threads ?? value.threads
            const activeId = meta?.activeId !== undefined ? meta.activeId : value.activeId
            const throughYjs = tr.getMeta(ySyncPluginKey) !== undefined
            let ranges: ReadonlyMap<string, ThreadRange> = value.ranges
            if (meta || throughYjs) {
              // The binding lives in the sync plugin's state, the same object before and after.
              ranges = resolveAll(newState, threads) ?? resolveAll(oldState, threads) ?? (tr.docChanged ? mapRanges(value.ranges, tr) : value.ranges)
            } else if (tr.docChanged) {
              ranges = mapRanges(value.ranges, tr)
            } else {
              return value
            }
            return { threads, ranges, activeId, decorations: decorate(newState, threads, ranges, activeId) }
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
        },
        view: () => {
          let pending: ReturnType<typeof setTimeout> | null = null
          return {
            update(view, previous) {
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
            },
          }
        },
      }),
    ]
  },
})
