/**
 * Entry point: `npm run server`, or `node --max-semi-space-size=4
 * dist/server/main.js` (this file compiled by `npm run build`, START-20)
 * where the server must be the container's first process; `npm run
 * server:dev` runs it from source through tsx. Reads the environment, builds
 * the store and the server, listens, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { WeakAuthSecretError, resolveAuthSecret, type ResolvedSecret } from '../lib/node/authSecret'
import { readConfig } from './config'
import { createLogger } from './log'
import type { Fanout } from './fanout/Fanout'
import type { DocumentStore } from './persistence/DocumentStore'
import { FutureSchemaError } from './persistence/migrations'
import { openSqliteStore } from './persistence/SqliteStore'
import { SyncServer } from './SyncServer'

/** Shutdown is promised within 10 seconds (docs/sync-protocol.md, "Durability and shutdown"); past this we exit anyway, non-zero. */
const SHUTDOWN_DEADLINE_MS = 9_000

async function main(): Promise<void> {
  let config
  try {
    config = readConfig()
  } catch (error) {
    console.error(`tandem-sync: ${(error as Error).message}`)
    process.exit(2)
  }
  const log = createLogger(config.LOG_LEVEL)

  let secret: ResolvedSecret
  try {
    secret = resolveAuthSecret(config.AUTH_SECRET, config.DATA_DIR)
  } catch (error) {
    // A variable it cannot use, as START-5 has it: a message naming it, and status 2.
    if (!(error instanceof WeakAuthSecretError)) throw error
    console.error(`tandem-sync: ${error.message}`)
    process.exit(2)
  }
  if (secret.source === 'generated') {
    log.warn({ file: secret.file }, 'AUTH_SECRET is not set: generated one; set AUTH_SECRET to the same value in the web app and every instance')
  } else if (secret.source === 'file') {
    log.warn({ file: secret.file }, 'AUTH_SECRET is not set: using the one generated earlier in DATA_DIR')
  }

  let store: DocumentStore
  let fanout: Fanout | undefined
  try {
    // pg and ioredis are loaded only when configured: a single SQLite instance carries neither.
    if (config.DATABASE_URL) {
      const { openPostgresStore } = await import('./persistence/PostgresStore')
      store = await openPostgresStore({
        connectionString: config.DATABASE_URL,
        schema: config.DATABASE_SCHEMA,
        onError: (error) => log.error({ err: error.message }, 'postgres connection error'),
      })
    } else {
      store = openSqliteStore(config.DATA_DIR)
    }
    if (config.REDIS_URL) {
      const { RedisFanout } = await import('./fanout/RedisFanout')
      const redis = new RedisFanout({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log })
      fanout = redis
      await redis.ready()
    }
  } catch (error) {
    if (error instanceof FutureSchemaError) {
      // Not a connection problem, and retrying will not help: say so plainly (UPGRADE-3).
      console.error(`tandem-sync: ${error.message}`)
      process.exit(3)
    }
    log.fatal({ err: (error as Error).message }, 'cannot reach the database or Redis')
    process.exit(1)
  }
  log.info({ store: config.DATABASE_URL ? 'postgres' : 'sqlite', relay: fanout ? 'redis' : 'none' }, 'storage ready')
  const server = new SyncServer({
    authSecret: secret.secret,
    store,
    fanout,
    log,
    limits: {
      maxMessageBytes: config.MAX_MESSAGE_BYTES,
      maxMessagesPerSecond: config.MAX_MESSAGES_PER_SECOND,
      roomIdleMs: config.ROOM_IDLE_MS,
      roomColdAfterMs: config.ROOM_COLD_AFTER_MS,
      versionIdleMs: config.VERSION_IDLE_MS,
      versionMaxMs: config.VERSION_MAX_MS,
      maxAwarenessBytes: config.MAX_AWARENESS_BYTES,
      maxAwarenessClients: config.MAX_AWARENESS_CLIENTS,
      streamIdleMs: config.STREAM_IDLE_MS,
    },
    metricsToken: config.METRICS_TOKEN,
    editWebhook: config.EDIT_WEBHOOK_URL ? { url: config.EDIT_WEBHOOK_URL, intervalMs: config.EDIT_WEBHOOK_INTERVAL_MS } : undefined,
    pathPrefix: config.SYNC_PATH_PREFIX,
  })

  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'signal received')
    const deadline = setTimeout(() => {
      log.error('shutdown took too long, exiting')
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS)
    deadline.unref()
    server.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)

  try {
    await server.listen(config.PORT, config.HOST)
  } catch (error) {
    log.fatal({ err: error, port: config.PORT, host: config.HOST }, 'cannot listen')
    process.exit(1)
  }
}

void main()
