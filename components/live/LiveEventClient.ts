import { isLiveEventType, LIVE_EVENT_TYPES, type LiveEvent } from '@/lib/liveEvents'

/** How often to poll while the stream is not delivering (a proxy that buffers, a server that refuses). */
export const POLL_INTERVAL_MS = 30_000

export interface LiveEventClientOptions {
  /** `/api/events`. */
  url: string
  /** The newest event id the page was rendered with: the first connection resumes after it. */
  after: number
  onEvent: (event: LiveEvent) => void
  /** Refresh from plain HTTP: called every 30 s while the stream is not live, and once when it comes back. */
  onPoll: () => void
  /** The session ended (signed out elsewhere): nothing more will come. */
  onSessionEnded?: () => void
  /** Injected for tests and for environments without one. */
  EventSourceImpl?: typeof EventSource
}

/**
 * One page's event stream: an EventSource (which reconnects by itself with
 * Last-Event-ID), and a quiet fallback. The stream counts as live only once
 * its `ready` event has arrived, so a proxy that buffers the response looks
 * like what it is, no stream, and the page polls every 30 s instead. A stream
 * the server refused (EventSource gives up for good) is tried again at each
 * poll, resuming after the last event seen.
 */
export class LiveEventClient {
  private source: EventSource | null = null
  private live = false
  private lastId: number
  private ended = false
  private readonly timer: ReturnType<typeof setInterval>

  constructor(private readonly options: LiveEventClientOptions) {
    this.lastId = options.after
    this.open()
    this.timer = setInterval(() => this.tick(), POLL_INTERVAL_MS)
  }

  private open(): void {
    const Impl = this.options.EventSourceImpl ?? globalThis.EventSource
    if (!Impl) return
    const source = new Impl(`${this.options.url}?after=${this.lastId}`)
    this.source = source
    source.addEventListener('ready', () => {
      // What happened while the stream was down is replayed after Last-Event-ID: no poll needed.
      if (this.source === source) this.live = true
    })
    source.addEventListener('error', () => {
      if (this.source === source) this.live = false
    })
    source.addEventListener('session-ended', () => {
      this.ended = true
      this.close()
      this.options.onSessionEnded?.()
    })
    for (const type of LIVE_EVENT_TYPES) {
      source.addEventListener(type, (message) => this.handle(type, message as MessageEvent<string>))
    }
  }

  private handle(type: string, message: MessageEvent<string>): void {
    const id = Number(message.lastEventId)
    if (!Number.isSafeInteger(id) || id <= this.lastId || !isLiveEventType(type)) return
    let data: unknown
    try {
      data = JSON.parse(message.data)
    } catch {
      return
    }
    this.lastId = id
    this.options.onEvent({ id, type, data } as LiveEvent)
  }

  private tick(): void {
    if (this.ended || this.live) return
    this.options.onPoll()
    // CLOSED (2): the browser gave up (a 401, a 429, a wrong content type); try afresh.
    if (this.source && this.source.readyState === 2) {
      this.source.close()
      this.open()
    }
  }

  close(): void {
    clearInterval(this.timer)
    this.source?.close()
    this.source = null
    this.live = false
  }
}
