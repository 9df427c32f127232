'use client'

import { useCallback, useEffect, useState } from 'react'
import { LiveEventClient } from '@/components/live/LiveEventClient'
import type { CommentThread } from '@/lib/comments'
import { commentApi } from './commentApi'

export interface CommentThreadsState {
  /** Null while the first list loads. */
  threads: CommentThread[] | null
  loadError: string
  /** Puts a thread as the server answered it (null: it was deleted). */
  put(threadId: string, thread: CommentThread | null): void
}

function upsert(threads: CommentThread[] | null, threadId: string, thread: CommentThread | null): CommentThread[] | null {
  if (!threads) return threads
  const rest = threads.filter((t) => t.id !== threadId)
  if (!thread) return rest
  const at = threads.findIndex((t) => t.id === threadId)
  if (at === -1) return [...rest, thread]
  return [...rest.slice(0, at), thread, ...rest.slice(at)]
}

/**
 * The document's comment threads, kept live: the page's live event stream
 * (GET /api/events, from `after`, the last event id when the page was
 * rendered) brings `comment.changed` for every change anyone makes, on any
 * web instance, and the thread it names is fetched again. While the stream
 * is down, the whole list is fetched every 30 s and when it comes back.
 */
export function useCommentThreads(documentId: string, after: number): CommentThreadsState {
  const [threads, setThreads] = useState<CommentThread[] | null>(null)
  const [loadError, setLoadError] = useState('')

  const put = useCallback((threadId: string, thread: CommentThread | null) => setThreads((current) => upsert(current, threadId, thread)), [])

  const loadAll = useCallback(
    () =>
      commentApi.list(documentId).then((result) => {
        if (result.ok) {
          setThreads(result.value)
          setLoadError('')
        } else setLoadError(result.status === null ? 'Comments could not be loaded while offline; they will load when you are back online.' : result.error)
      }),
    [documentId],
  )

  const refetchThread = useCallback(
    async (threadId: string) => {
      const result = await commentApi.get(documentId, threadId)
      if (result.ok) put(threadId, result.value)
      else if (result.status === 404) put(threadId, null)
    },
    [documentId, put],
  )

  useEffect(() => {
    void loadAll()
    const client = new LiveEventClient({
      url: '/api/events',
      after,
      onEvent: (event) => {
        if (event.type === 'comment.changed' && event.data.documentId === documentId) void refetchThread(event.data.threadId)
      },
      onPoll: () => void loadAll(),
    })
    const online = () => void loadAll()
    window.addEventListener('online', online)
    return () => {
      client.close()
      window.removeEventListener('online', online)
    }
  }, [documentId, after, loadAll, refetchThread])

  return { threads, loadError, put }
}
