/**
 * The only reader of process.env for the sync server: parses it once, with the
 * documented defaults, into a frozen object (docs/sync-protocol.md, "Starting it").
 */
import { z } from 'zod'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(1234),
  HOST: z.string().min(1).default('localhost'),
  AUTH_SECRET: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** PostgreSQL schema for the sync server's tables. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _').default('tandem'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Prefix of Redis channel names, so deployments can share one Redis. */
  REDIS_PREFIX: z.string().min(1).max(64).default('tandem:'),
  MAX_MESSAGE_BYTES: positiveInt(10 * 1024 * 1024),
  MAX_MESSAGES_PER_SECOND: positiveInt(1000),
  ROOM_IDLE_MS: z.coerce.number().int().min(0).default(10_000),
  /** A loaded document unchanged this long is kept as bytes until needed again (0: never). */
  ROOM_COLD_AFTER_MS: z.coerce.number().int().min(0).default(30_000),
  /** An automatic version once a document has been quiet this long after a change. */
  VERSION_IDLE_MS: positiveInt(120_000),
  /** An automatic version at least this often while changes go on. */
  VERSION_MAX_MS: positiveInt(600_000),
  MAX_AWARENESS_BYTES: positiveInt(16_384),
  MAX_AWARENESS_CLIENTS: positiveInt(4),
  /** An HTTP transport session whose event stream has been gone this long is ended. */
  STREAM_IDLE_MS: positiveInt(30_000),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(1).optional(),
  /** Where stored client edits are reported to the web app (docs/sync-protocol.md, "Edit reports"). */
  EDIT_WEBHOOK_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').optional(),
  // 2 s: the web app's search index is fed by these reports, and new words must be findable within 5 s (issue 19).
  EDIT_WEBHOOK_INTERVAL_MS: z.coerce.number().int().min(1000).default(2_000),
  /**
   * Serve upgrades and the document API under this path (`/sync`), for one
   * public origin shared with the web app behind a proxy that passes the path on.
   */
  SYNC_PATH_PREFIX: z
    .string()
    .regex(/^(?:\/[A-Za-z0-9._~-]+)+\/?$/, 'a path such as /sync: segments of letters, digits, . _ ~ -')
    .refine((value) => !/(?:^|\/)\.{1,2}(?:\/|$)/.test(value), 'no . or .. segments')
    .transform((value) => value.replace(/\/$/, ''))
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = Readonly<z.infer<typeof envSchema>>

/** Parses `env`; throws an Error naming every bad variable. Empty strings count as unset. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new Error(`invalid configuration: ${problems}`)
  }
  return Object.freeze(parsed.data)
}
