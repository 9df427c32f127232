/**
 * Cross-instance relay over Redis pub/sub (`REDIS_URL`): one channel per
 * loaded room, `<prefix>room:<docId>`, carrying binary messages tagged with
 * the sending instance's id.
 *
 * Why pub/sub and not Streams: Redis here is a relay, not a store (it may run
 * without persistence and restart empty). Every update is already durable in
 * the document store within a second, so after any outage each instance
 * resynchronises its rooms from the store and asks its peers for what it lacks
 * (a `sync-request`). That recovers everything a stream would have, and
 * survives a Redis that lost its data, which a stream would not.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { decodeFanoutMessage, encodeFanoutMessage } from './codec'
import type { Fanout, FanoutHandler, FanoutMessage } from './Fanout'

export interface RedisFanoutOptions {
  url: string
  /** Key prefix, so several deployments (or tests) can share one Redis. */
  prefix?: string
  log: Logger
  /** Told about every Redis error and each round-trip time, for metrics. */
  onError?: (error: Error) => void
}

export class RedisFanout implements Fanout {
  readonly shared = true
  readonly instanceId = randomUUID()
  private readonly publisher: Redis
  private readonly subscriber: Redis
  private readonly handlers = new Map<string, FanoutHandler>()
  private readonly reconnectListeners: Array<() => void> = []
  private readonly prefix: string
  private readonly everReady = new Set<Redis>()
  private resyncTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: RedisFanoutOptions) {
    this.prefix = options.prefix ?? 'tandem:'
    const common = {
      // Retry forever with a capped delay: the server keeps serving local clients meanwhile.
      retryStrategy: (attempt: number) => Math.min(1000, 50 * attempt),
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    }
    // Publishes fail fast while Redis is away instead of queueing without bound; resync recovers them.
    this.publisher = new Redis(options.url, { ...common, enableOfflineQueue: false })
    this.subscriber = new Redis(options.url, { ...common, autoResubscribe: true })
    for (const [role, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error) => {
        options.onError?.(error)
        options.log.error({ err: error.message, role }, 'redis error')
      })
      // Back after an outage: messages may have been lost in either direction.
      client.on('ready', () => {
        if (this.everReady.has(client)) this.scheduleResync()
        this.everReady.add(client)
      })
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => this.handleMessage(channel, data))
  }

  /** Resolves once both connections are up (startup waits for it, so a bad REDIS_URL fails loudly). */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') {
      if (Date.now() > deadline) throw new Error(`redis not reachable at ${redactUrl(this.options.url)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  private channel(docId: string): string {
    return `${this.prefix}room:${docId}`
  }

  async subscribe(docId: string, handler: FanoutHandler): Promise<void> {
    this.handlers.set(docId, handler)
    try {
      await this.subscriber.subscribe(this.channel(docId))
    } catch (error) {
      // Redis is away: autoResubscribe does not know this channel yet, so the reconnect resync subscribes it.
      this.options.log.warn({ err: (error as Error).message, docId }, 'subscribe failed; will retry on reconnect')
    }
  }

  async unsubscribe(docId: string): Promise<void> {
    this.handlers.delete(docId)
    await this.subscriber.unsubscribe(this.channel(docId)).catch(() => {})
  }

  publish(docId: string, message: FanoutMessage): void {
    const data = Buffer.from(encodeFanoutMessage(this.instanceId, message))
    this.publisher.publish(this.channel(docId), data).catch((error: Error) => this.options.onError?.(error))
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener)
  }

  async ping(): Promise<void> {
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') {
      throw new Error(`redis ${this.publisher.status}/${this.subscriber.status}`)
    }
    await this.publisher.ping()
  }

  async close(): Promise<void> {
    if (this.resyncTimer) clearTimeout(this.resyncTimer)
    this.handlers.clear()
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()])
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }

  private scheduleResync(): void {
    if (this.resyncTimer) return
    // Both connections usually come back together: resync once.
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null
      void this.resync()
    }, 100)
  }

  private async resync(): Promise<void> {
    // Make sure every loaded room's channel is subscribed (some may have loaded during the outage).
    const channels = [...this.handlers.keys()].map((docId) => this.channel(docId))
    if (channels.length > 0) await this.subscriber.subscribe(...channels).catch(() => {})
    this.options.log.warn({ rooms: channels.length }, 'redis reconnected: resynchronising rooms')
    for (const listener of this.reconnectListeners) listener()
  }

  private handleMessage(channel: Buffer, data: Buffer): void {
    const docId = channel.toString('utf8').slice(this.prefix.length + 'room:'.length)
    const handler = this.handlers.get(docId)
    if (!handler) return
    let decoded
    try {
      decoded = decodeFanoutMessage(data)
    } catch (error) {
      this.options.log.error({ err: (error as Error).message, docId }, 'dropping a malformed fan-out message')
      return
    }
    if (decoded.instanceId === this.instanceId) return
    handler(decoded.message)
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'REDIS_URL'
  }
}
