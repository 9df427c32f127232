import 'server-only'
import { isLiveEventType, type LiveEvent } from '@/lib/liveEvents'

/**
 * What one web app process tells every other (and itself) about live events:
 * "user U has new events" (with the events, when they are small enough to
 * travel) or "this session ended". The database stays the truth: a stream
 * takes carried events only when they follow on from what it sent, and
 * reads the database otherwise, so a notice that is lost, repeated or
 * reordered never loses, repeats or reorders an event.
 */
export type LiveNotice =
  | { kind: 'events'; userId: string; events?: LiveEvent[] }
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
    if (value.kind === 'events') {
      const events = Array.isArray((value as { events?: unknown }).events) ? (value as { events: unknown[] }).events : null
      return events && events.every(isCarriedEvent) ? { kind: 'events', userId: value.userId, events: events as LiveEvent[] } : { kind: 'events', userId: value.userId }
    }
    if (value.kind === 'session-ended') {
      const sessionId = typeof value.sessionId === 'string' ? value.sessionId : null
      return { kind: 'session-ended', userId: value.userId, sessionId }
    }
    return null
  } catch {
    return null
  }
}

function isCarriedEvent(value: unknown): boolean {
  const event = value as Partial<LiveEvent> | null
  return (
    typeof event === 'object' &&
    event !== null &&
    Number.isSafeInteger(event.id) &&
    isLiveEventType(event.type) &&
    typeof event.data === 'object' &&
    event.data !== null &&
    typeof (event.data as { documentId?: unknown }).documentId === 'string'
  )
}

/** Under PostgreSQL's 8,000-byte NOTIFY limit with room to spare; bigger batches travel as a bare hint. */
export const MAX_CARRIED_BYTES = 7_000

/** The notice for a user's new events: with them when they fit, else the hint alone. */
export function eventsNotice(userId: string, events: LiveEvent[]): LiveNotice {
  const full: LiveNotice = { kind: 'events', userId, events }
  return Buffer.byteLength(encodeNotice(full)) <= MAX_CARRIED_BYTES ? full : { kind: 'events', userId }
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
