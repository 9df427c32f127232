import 'server-only'

/**
 * What one web app process tells every other (and itself) about live events.
 * Only a hint travels: "user U has new events" or "this session ended";
 * the events themselves are read from the database, so a notice that is
 * lost, repeated or reordered never loses, repeats or reorders an event.
 */
export type LiveNotice =
  | { kind: 'events'; userId: string }
  /** A sign-out: streams of that session end. `sessionId` null: sessions from before sessions had ids. */
  | { kind: 'session-ended'; userId: string; sessionId: string | null }

export interface LiveBus {
  /** Delivers the notice to every process's listeners, this one's included. */
  publish(notice: LiveNotice): Promise<void>
  /** `onNotice` hears every notice; `onResync` is called after a lost connection came back (notices may have been missed). */
  listen(onNotice: (notice: LiveNotice) => void, onResync: () => void): void
  close(): Promise<void>
}

/** Notices are tiny JSON; anything else on the channel is ignored. */
export function encodeNotice(notice: LiveNotice): string {
  return JSON.stringify(notice)
}

export function decodeNotice(text: string): LiveNotice | null {
  try {
    const value = JSON.parse(text) as Partial<LiveNotice> & { sessionId?: unknown }
    if (typeof value.userId !== 'string' || value.userId.length > 200) return null
    if (value.kind === 'events') return { kind: 'events', userId: value.userId }
    if (value.kind === 'session-ended') {
      const sessionId = typeof value.sessionId === 'string' ? value.sessionId : null
      return { kind: 'session-ended', userId: value.userId, sessionId }
    }
    return null
  } catch {
    return null
  }
}

/** One process, no database of its own to share (SQLite): notices stay in memory. */
export class MemoryBus implements LiveBus {
  private listener: ((notice: LiveNotice) => void) | null = null

  async publish(notice: LiveNotice): Promise<void> {
    const listener = this.listener
    if (listener) queueMicrotask(() => listener(notice))
  }

  listen(onNotice: (notice: LiveNotice) => void): void {
    this.listener = onNotice
  }

  async close(): Promise<void> {
    this.listener = null
  }
}
