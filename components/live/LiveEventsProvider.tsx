'use client'

import { createContext, useContext, useEffect, useRef, useState } from 'react'
import type { LiveEvent } from '@/lib/liveEvents'
import { LiveEventClient } from './LiveEventClient'

export interface LiveListener {
  onEvent?: (event: LiveEvent) => void
  /** Refetch: the stream is not live (every 30 s), or came back. */
  onPoll?: () => void
}

interface LiveEvents {
  subscribe(listener: LiveListener): () => void
}

const LiveEventsContext = createContext<LiveEvents | null>(null)

/** One event stream for the page, shared by the list and the bell (a browser allows few connections per host). */
export function LiveEventsProvider({ after, children }: { after: number; children: React.ReactNode }) {
  const listeners = useRef(new Set<LiveListener>())
  const [api] = useState<LiveEvents>(() => ({
    subscribe(listener) {
      listeners.current.add(listener)
      return () => listeners.current.delete(listener)
    },
  }))
  useEffect(() => {
    const client = new LiveEventClient({
      url: '/api/events',
      after,
      onEvent: (event) => listeners.current.forEach((listener) => listener.onEvent?.(event)),
      onPoll: () => listeners.current.forEach((listener) => listener.onPoll?.()),
    })
    return () => client.close()
  }, [after])
  return <LiveEventsContext.Provider value={api}>{children}</LiveEventsContext.Provider>
}

/** Hears the page's live events for the component's lifetime; the listener may change between renders. */
export function useLiveEvents(listener: LiveListener): void {
  const live = useContext(LiveEventsContext)
  const latest = useRef(listener)
  useEffect(() => {
    latest.current = listener
  })
  useEffect(() => {
    if (!live) return
    return live.subscribe({
      onEvent: (event) => latest.current.onEvent?.(event),
      onPoll: () => latest.current.onPoll?.(),
    })
  }, [live])
}
