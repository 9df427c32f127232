import 'server-only'
import type { Db } from './db'
import { newId } from './ids'

/**
 * Sliding-window attempt counters in the app database: "at most `limit`
 * counted attempts per `windowMs` for one subject". They live in the database,
 * not in memory, so the limit holds however many web app processes share it.
 * Each counted attempt is one row; rows older than the longest window are
 * pruned as attempts are recorded.
 */
export interface ThrottleRule {
  /** Names the bucket, e.g. `sign-in:email`. */
  readonly name: string
  readonly limit: number
  readonly windowMs: number
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number }

/** Rows of rules with a window up to this long may be pruned once this old. */
export const LONGEST_WINDOW_MS = 60 * 60_000
/** How often one process prunes (the delete is cheap, but not free on every attempt). */
const PRUNE_INTERVAL_MS = 60_000
/** Subjects are emails or addresses; anything longer is cut, never stored whole. */
const MAX_SUBJECT_LENGTH = 320

const bucketOf = (rule: ThrottleRule, subject: string) => `${rule.name}:${subject.slice(0, MAX_SUBJECT_LENGTH)}`
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Whether one more attempt is allowed now. When it is not, `retryAfterMs` is
 * how long until the oldest attempt that keeps the window full expires.
 */
export async function checkThrottle(db: Db, rule: ThrottleRule, subject: string, now = Date.now()): Promise<ThrottleVerdict> {
  // The `limit` newest attempts still in the window: once the oldest of them leaves it, there is room again.
  const rows = await db
    .selectFrom('auth_attempts')
    .select('at')
    .where('bucket', '=', bucketOf(rule, subject))
    .where('at', '>', iso(now - rule.windowMs))
    .orderBy('at', 'desc')
    .limit(rule.limit)
    .execute()
  if (rows.length < rule.limit) return { allowed: true }
  const oldest = Date.parse(rows[rows.length - 1].at)
  return { allowed: false, retryAfterMs: Math.max(1, oldest + rule.windowMs - now) }
}

/** Counts one attempt against the rule for `subject`. */
export async function recordAttempt(db: Db, rule: ThrottleRule, subject: string, now = Date.now()): Promise<void> {
  if (rule.windowMs > LONGEST_WINDOW_MS) throw new Error(`throttle rule ${rule.name}: window longer than LONGEST_WINDOW_MS`)
  await db.insertInto('auth_attempts').values({ id: newId(), bucket: bucketOf(rule, subject), at: iso(now) }).execute()
  await pruneNowAndThen(db, now)
}

/** Forgets every counted attempt of `subject` under the rule (a successful sign-in clears its email's failures). */
export async function clearAttempts(db: Db, rule: ThrottleRule, subject: string): Promise<void> {
  await db.deleteFrom('auth_attempts').where('bucket', '=', bucketOf(rule, subject)).execute()
}

/** Deletes every attempt too old to count under any rule; returns how many. */
export async function pruneExpiredAttempts(db: Db, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('auth_attempts').where('at', '<=', iso(now - LONGEST_WINDOW_MS)).executeTakeFirst()
  return Number(result.numDeletedRows)
}

const lastPruneAt = new WeakMap<Db, number>()

async function pruneNowAndThen(db: Db, now: number): Promise<void> {
  const last = lastPruneAt.get(db)
  if (last !== undefined && Math.abs(now - last) < PRUNE_INTERVAL_MS) return
  lastPruneAt.set(db, now)
  await pruneExpiredAttempts(db, now)
}
