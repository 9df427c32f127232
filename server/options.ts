/**
 * Everything a SyncServer needs, as a plain object: `main.ts` builds it from the
 * environment (config.ts), tests build it directly without touching env.
 */
import type { Logger } from 'pino'
import type { DocumentStore } from './persistence/DocumentStore'
import type { Fanout } from './fanout/Fanout'

export interface ServerLimits {
  /** A larger frame closes the connection with 1009; a larger HTTP body gets 413. */
  maxMessageBytes: number
  /** Per connection: a bucket of 5x this many messages, refilled at this rate per second. */
  maxMessagesPerSecond: number
  /** An empty room is unloaded this long after its last connection closed. */
  roomIdleMs: number
  /** A receiver whose unsent data passes this many bytes is dropped instead of buffered without end. */
  maxBufferedBytes: number
  /** Ping every connection this often; one that has not answered the previous ping is terminated. */
  heartbeatIntervalMs: number
  /** Group commit: updates are written to the store at most this long after they arrive. */
  persistIntervalMs: number
  /** Compact a document's log into one snapshot once it holds this many updates. */
  compactAfterUpdates: number
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxMessageBytes: 10 * 1024 * 1024,
  maxMessagesPerSecond: 1000,
  roomIdleMs: 10_000,
  maxBufferedBytes: 32 * 1024 * 1024,
  heartbeatIntervalMs: 30_000,
  persistIntervalMs: 50,
  compactAfterUpdates: 1000,
}

export interface SyncServerOptions {
  /** HMAC key material for access tokens: the UTF-8 bytes of this string. */
  authSecret: string
  store: DocumentStore
  /** Cross-instance relay; defaults to none (a single instance). */
  fanout?: Fanout
  limits?: Partial<ServerLimits>
  /** Defaults to a silent logger. */
  log?: Logger
}
