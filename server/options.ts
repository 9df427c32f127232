/**
 * Everything a SyncServer needs, as a plain object: `main.ts` builds it from the
 * environment (config.ts), tests build it directly without touching env.
 */
import type { Logger } from 'pino'
import { DEFAULT_MAX_AWARENESS_BYTES, DEFAULT_MAX_AWARENESS_CLIENTS } from './AwarenessStore'
import type { DocumentStore } from './persistence/DocumentStore'
import type { Fanout } from './fanout/Fanout'

export interface ServerLimits {
  /** A larger frame closes the connection with 1009; a larger HTTP body gets 413. */
  maxMessageBytes: number
  /** Per connection: a bucket of 5x this many messages, refilled at this rate per second. */
  maxMessagesPerSecond: number
  /** An empty room is unloaded this long after its last connection closed. */
  roomIdleMs: number
  /** A loaded document unchanged this long is kept as bytes, not as a live Y.Doc, until needed (0: never). */
  roomColdAfterMs: number
  /** A receiver whose unsent data passes this many bytes is dropped instead of buffered without end. */
  maxBufferedBytes: number
  /** Ping every connection this often; one that has not answered the previous ping is terminated. */
  heartbeatIntervalMs: number
  /** Group commit: updates are written to the store at most this long after they arrive. */
  persistIntervalMs: number
  /** Compact a document's log into one snapshot once it holds this many updates. */
  compactAfterUpdates: number
  /** Record an automatic version once a document has been quiet this long after a change. */
  versionIdleMs: number
  /** Record an automatic version at least this often while changes go on. */
  versionMaxMs: number
  /** One presence state's JSON over this many (UTF-8) bytes closes its connection with 1009. */
  maxAwarenessBytes: number
  /** One connection may introduce this many presence client IDs; one more closes it with 1008. */
  maxAwarenessClients: number
  /**
   * With other instances (Redis), re-check every open connection against the
   * stored deletions and access changes this often (and after each relay
   * outage), so a relayed message that was lost is made up for.
   */
  policyRecheckIntervalMs: number
  /** An HTTP transport session whose event stream has been gone this long is ended (its presence removed). */
  streamIdleMs: number
  /** An open event stream gets a comment line this often, so that proxies keep it. */
  streamKeepAliveMs: number
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxMessageBytes: 10 * 1024 * 1024,
  maxMessagesPerSecond: 1000,
  roomIdleMs: 10_000,
  roomColdAfterMs: 30_000,
  maxBufferedBytes: 32 * 1024 * 1024,
  heartbeatIntervalMs: 30_000,
  persistIntervalMs: 50,
  compactAfterUpdates: 1000,
  versionIdleMs: 120_000,
  versionMaxMs: 600_000,
  maxAwarenessBytes: DEFAULT_MAX_AWARENESS_BYTES,
  maxAwarenessClients: DEFAULT_MAX_AWARENESS_CLIENTS,
  policyRecheckIntervalMs: 60_000,
  streamIdleMs: 30_000,
  streamKeepAliveMs: 15_000,
}

export interface SyncServerOptions {
  /** HMAC key material for access tokens: the UTF-8 bytes of this string. */
  authSecret: string
  store: DocumentStore
  /** Cross-instance relay; defaults to none (a single instance). */
  fanout?: Fanout
  limits?: Partial<ServerLimits>
  /** When set, GET /metrics answers only requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string
  /**
   * SYNC_PATH_PREFIX, without a trailing slash (`/sync`): upgrades are served at
   * `<prefix>/<docId>` and the document API at `<prefix>/docs/…`. Defaults to none.
   */
  pathPrefix?: string
  /** Defaults to a silent logger. */
  log?: Logger
  /** EDIT_WEBHOOK_URL: where stored client edits are reported (docs/sync-protocol.md, "Edit reports"). */
  editWebhook?: { url: string; intervalMs: number }
}
