'use client'

import type { Editor } from '@tiptap/react'
import { useEffect } from 'react'
import type { CommentThread } from '@/lib/comments'
import type { EncodedAnchor } from './anchors'
import { commentApi } from './commentApi'
import { commentHighlightsKey, dropMovedAnchor } from './commentHighlights'

/**
 * Sends the anchors the highlight plugin moved after this editor's own
 * change (COMMENTS-20) to the server, which tells every other editor
 * (`comment.changed`, "moved"). One request per thread at a time: a newer
 * anchor waits for the one on its way and replaces any other waiting.
 * Offline, the latest waits for the browser to be back online; refused, the
 * plugin forgets it.
 */
export function useAnchorMoves(editor: Editor | null, documentId: string, put: (threadId: string, thread: CommentThread | null) => void): void {
  useEffect(() => {
    if (!editor || editor.isDestroyed) return
    const queued = new Map<string, string>()
    const waiting = new Map<string, EncodedAnchor>()
    const busy = new Set<string>()
    let closed = false

    const send = async (threadId: string) => {
      const anchor = waiting.get(threadId)
      if (!anchor || busy.has(threadId) || closed) return
      waiting.delete(threadId)
      busy.add(threadId)
      const result = await commentApi.moveAnchor(documentId, threadId, anchor)
      busy.delete(threadId)
      if (closed) return
      if (result.ok) put(threadId, result.value)
      else if (result.status === null) {
        if (!waiting.has(threadId)) waiting.set(threadId, anchor)
        return
      } else if (!waiting.has(threadId) && !editor.isDestroyed) editor.view.dispatch(dropMovedAnchor(editor.state, threadId))
      void send(threadId)
    }

    const onTransaction = () => {
      const moved = commentHighlightsKey.getState(editor.state)?.moved
      if (!moved) return
      for (const [threadId, anchor] of moved) {
        const key = `${anchor.start} ${anchor.end}`
        if (queued.get(threadId) === key) continue
        queued.set(threadId, key)
        waiting.set(threadId, anchor)
        void send(threadId)
      }
    }
    const online = () => {
      for (const threadId of [...waiting.keys()]) void send(threadId)
    }
    editor.on('transaction', onTransaction)
    window.addEventListener('online', online)
    return () => {
      closed = true
      editor.off('transaction', onTransaction)
      window.removeEventListener('online', online)
    }
  }, [editor, documentId, put])
}
