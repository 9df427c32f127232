import 'server-only'
import { Redis } from 'ioredis'
import { decodeNotice, encodeNotice, type LiveBus, type LiveNotice } from './bus'

/** The one channel every web app process publishes live-event notices on. */
export const REDIS_LIVE_CHANNEL = 'tandem:web:live'

/**
 * Notices over Redis pub/sub (REDIS_URL). A subscribed connection can do
 * nothing else, so there are two; ioredis reconnects and resubscribes by
 * itself, and each reconnect asks for a resync since notices sent while it
 * was away are gone.
 */
export class RedisBus implements LiveBus {
  private readonly publisher: Redis
  private readonly subscriber: Redis
  private connectedOnce = false

  constructor(url: string) {
    const options = { maxRetriesPerRequest: 2, lazyConnect: false }
    this.publisher = new Redis(url, options)
    this.subscriber = new Redis(url, options)
    // Errors are reconnected by ioredis; without a listener they would crash the process.
    this.publisher.on('error', () => {})
    this.subscriber.on('error', () => {})
  }

  async publish(notice: LiveNotice): Promise<void> {
    await this.publisher.publish(REDIS_LIVE_CHANNEL, encodeNotice(notice))
  }

  listen(onNotice: (notice: LiveNotice) => void, onResync: () => void): void {
    this.subscriber.on('message', (_channel: string, message: string) => {
      const notice = decodeNotice(message)
      if (notice) onNotice(notice)
    })
    this.subscriber.on('ready', () => {
      if (this.connectedOnce) onResync()
      this.connectedOnce = true
    })
    void this.subscriber.subscribe(REDIS_LIVE_CHANNEL).catch(() => {})
  }

  async close(): Promise<void> {
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }
}
