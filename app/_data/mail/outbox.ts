import 'server-only'
import type { Db } from '../db'
import { newId } from '../ids'
import type { MailMessage, MailTransport } from './transport'

/**
 * Mail waits in the `outbox` table until a transport takes it, so a request
 * never waits on SMTP and neither a failing server nor a restart loses a
 * message. Any process sharing the database may deliver: a row is claimed
 * (its next attempt pushed past the claim) before it is sent, so two
 * processes do not send it twice.
 */

/** The first retry after 5 s, then doubling, at most every 15 minutes. */
export const FIRST_RETRY_MS = 5_000
export const LONGEST_RETRY_MS = 15 * 60_000
/** A sender that dies mid-send leaves its claim; another process tries again once it lapses. */
export const CLAIM_MS = 2 * 60_000
/** Links in our mail expire within a day; a message still undelivered after two is dropped (and logged). */
export const GIVE_UP_AFTER_MS = 2 * 24 * 60 * 60_000
/** Messages tried per delivery round. */
const BATCH = 20

export function retryDelayMs(failedAttempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1))
}

const iso = (ms: number) => new Date(ms).toISOString()

export interface MailLog {
  info(line: string): void
  warn(line: string): void
}

/** Queues a message for delivery as soon as possible; returns its id. */
export async function enqueueMail(db: Db, message: MailMessage, now = Date.now()): Promise<string> {
  const id = newId()
  await db
    .insertInto('outbox')
    .values({
      id,
      to_address: message.to,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      link: message.link,
      attempts: 0,
      next_attempt_at: iso(now),
      last_error: null,
      created_at: iso(now),
    })
    .execute()
  return id
}

export interface DeliveryRound {
  sent: number
  failed: number
  dropped: number
}

/** Tries every message that is due; a failure is logged and scheduled again with backoff. */
export async function deliverDue(db: Db, transport: MailTransport, log: MailLog, now = Date.now()): Promise<DeliveryRound> {
  const round: DeliveryRound = { sent: 0, failed: 0, dropped: 0 }
  const due = await db
    .selectFrom('outbox')
    .selectAll()
    .where('next_attempt_at', '<=', iso(now))
    .orderBy('next_attempt_at')
    .limit(BATCH)
    .execute()
  for (const row of due) {
    if (Date.parse(row.created_at) + GIVE_UP_AFTER_MS < now) {
      await db.deleteFrom('outbox').where('id', '=', row.id).execute()
      log.warn(`mail to ${row.to_address} (“${row.subject}”) dropped after ${row.attempts} failed attempts: ${row.last_error ?? ''}`)
      round.dropped += 1
      continue
    }
    const claim = await db
      .updateTable('outbox')
      .set({ next_attempt_at: iso(now + CLAIM_MS) })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst()
    if (Number(claim.numUpdatedRows) !== 1) continue // another process has it
    const message: MailMessage = { to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body, link: row.link }
    try {
      await transport.send(message, row.id)
    } catch (error) {
      const attempts = row.attempts + 1
      const delay = retryDelayMs(attempts)
      const reason = (error as Error).message || String(error)
      await db
        .updateTable('outbox')
        .set({ attempts, next_attempt_at: iso(now + delay), last_error: reason.slice(0, 500) })
        .where('id', '=', row.id)
        .execute()
      log.warn(`mail to ${row.to_address} (“${row.subject}”) failed (attempt ${attempts}), retrying in ${Math.round(delay / 1000)} s: ${reason}`)
      round.failed += 1
      continue
    }
    await db.deleteFrom('outbox').where('id', '=', row.id).execute()
    // Without SMTP the log line carries the link: it is how a single-machine admin finds it.
    log.info(
      transport.kind === 'file'
        ? `mail to ${row.to_address} (“${row.subject}”) written to the outbox directory: ${row.link}`
        : `mail to ${row.to_address} (“${row.subject}”) sent`,
    )
    round.sent += 1
  }
  return round
}

/** When the next queued message is due (ms since the epoch), or null for an empty outbox. */
export async function nextDueAt(db: Db): Promise<number | null> {
  const row = await db.selectFrom('outbox').select('next_attempt_at').orderBy('next_attempt_at').limit(1).executeTakeFirst()
  return row ? Date.parse(row.next_attempt_at) : null
}
