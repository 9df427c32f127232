import 'server-only'
import type { LiveEvent } from '@/lib/liveEvents'
import type { Db } from '../db'
import type { LiveBus, LiveNotice } from './bus'
import { listEventsAfter } from './store'

/** One open stream, as the hub sees it. */
export interface LiveSubscriber {
  userId: string
  /** The session the stream was opened with (the JWT's `sid`), null for older sessions. */
  sessionId: string | null
  /** The last event id this stream has sent; the hub sends only newer ones. */
  lastId: number
  deliver(events: LiveEvent[]): void
  /** The session ended (sign-out): close the stream. */
  end(): void
}

const PAGE = 500

/**
 * Every stream this process holds, by user. A notice "user U has new
 * events" makes one database read for U however many of U's streams are
 * open here, starting after the stream that is furthest behind; each stream
 * gets only what it has not sent. Reads for one user never overlap, and a
 * notice during a read is remembered and read again after it.
 */
export class LiveEventHub {
  private readonly byUser = new Map<string, Set<LiveSubscriber>>()
  private readonly reading = new Map<string, { again: boolean }>()

  constructor(
    private readonly db: Db,
    bus: LiveBus,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    bus.listen(
      (notice) => this.handleNotice(notice),
      () => this.resyncAll(),
    )
  }

  get streamCount(): number {
    let count = 0
    for (const set of this.byUser.values()) count += set.size
    return count
  }

  /** Adds a stream and sends it whatever it missed (its replay); returns the unsubscribe. */
  subscribe(subscriber: LiveSubscriber): () => void {
    let set = this.byUser.get(subscriber.userId)
    if (!set) this.byUser.set(subscriber.userId, (set = new Set()))
    set.add(subscriber)
    void this.read(subscriber.userId)
    return () => {
      set.delete(subscriber)
      if (set.size === 0 && this.byUser.get(subscriber.userId) === set) this.byUser.delete(subscriber.userId)
    }
  }

  private handleNotice(notice: LiveNotice): void {
    const set = this.byUser.get(notice.userId)
    if (!set) return
    if (notice.kind === 'events') {
      if (!notice.events || !this.deliverCarried(set, notice.events)) void this.read(notice.userId)
      return
    }
    for (const subscriber of [...set]) {
      if (subscriber.sessionId === notice.sessionId) subscriber.end()
    }
  }

  /**
   * Sends events that came with the notice to every stream they follow on
   * from exactly (first id = its last + 1); true when that was every stream,
   * false when one is behind or a read is running, and the database must be read.
   */
  private deliverCarried(subscribers: Set<LiveSubscriber>, events: LiveEvent[]): boolean {
    if (events.length === 0 || this.reading.has([...subscribers][0].userId)) return false
    const first = events[0].id
    const last = events[events.length - 1].id
    if (events.some((event, i) => event.id !== first + i)) return false
    let complete = true
    for (const subscriber of subscribers) {
      if (subscriber.lastId >= last) continue
      if (subscriber.lastId === first - 1) {
        subscriber.lastId = last
        subscriber.deliver(events)
      } else {
        complete = false
      }
    }
    return complete
  }

  /** After the bus lost its connection: read for every user with a stream here. */
  private resyncAll(): void {
    for (const userId of this.byUser.keys()) void this.read(userId)
  }

  private async read(userId: string): Promise<void> {
    const running = this.reading.get(userId)
    if (running) {
      running.again = true
      return
    }
    const state = { again: true }
    this.reading.set(userId, state)
    try {
      while (state.again) {
        state.again = false
        const subscribers = this.byUser.get(userId)
        if (!subscribers || subscribers.size === 0) break
        const after = Math.min(...[...subscribers].map((s) => s.lastId))
        const events = await listEventsAfter(this.db, userId, after, PAGE)
        for (const subscriber of subscribers) {
          const fresh = events.filter((event) => event.id > subscriber.lastId)
          if (fresh.length === 0) continue
          subscriber.lastId = fresh[fresh.length - 1].id
          subscriber.deliver(fresh)
        }
        if (events.length === PAGE) state.again = true
      }
    } catch (error) {
      this.onError(error)
    } finally {
      this.reading.delete(userId)
    }
  }
}
