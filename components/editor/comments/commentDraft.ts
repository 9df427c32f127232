import type { Editor } from '@tiptap/react'
import { MAX_QUOTE_LENGTH } from '@/lib/comments'
import { anchorForRange, bindingOf, type EncodedAnchor } from './anchors'

/** A thread about to be written: where, and on which words. */
export interface CommentDraft {
  anchor: EncodedAnchor
  quote: string
}

/** The draft for the editor's selection, or why there is none. */
export function draftFromSelection(editor: Editor): { ok: true; draft: CommentDraft } | { ok: false; error: string } {
  const { state } = editor
  const { from, to, empty } = state.selection
  const quote = state.doc.textBetween(from, to, ' ', ' ').trim()
  if (empty || !quote) return { ok: false, error: 'Select the text you want to comment on first.' }
  const binding = bindingOf(state)
  if (!binding) return { ok: false, error: 'The document is still loading. Try again in a moment.' }
  return { ok: true, draft: { anchor: anchorForRange(binding, from, to), quote: quote.slice(0, MAX_QUOTE_LENGTH) } }
}

/** Ctrl+Alt+M, or ⌘+Alt+M on a Mac (by key position: Alt changes the character). */
export function isCommentShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.altKey && !event.shiftKey && event.code === 'KeyM'
}
