import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import type { Db } from './db'
import { nowIso } from './ids'
import type { EmailTokenPurpose } from './schema'

/**
 * The secrets in emailed links (verify an address, reset a password): 32
 * random bytes, of which only the sha256 is stored, so a copy of the
 * database opens nothing. Each works once and expires.
 */
export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify: 24 * 60 * 60_000,
  reset: 60 * 60_000,
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** The shape newEmailToken makes (43 base64url characters); anything else is not looked up. */
export function isEmailTokenShape(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token)
}

/** A new link secret for the user; earlier unused ones for the same purpose stop working. */
export async function issueEmailToken(db: Db, userId: string, purpose: EmailTokenPurpose, now = Date.now()): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('email_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).execute()
    await trx
      .insertInto('email_tokens')
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        purpose,
        expires_at: new Date(now + EMAIL_TOKEN_TTL_MS[purpose]).toISOString(),
        created_at: nowIso(),
      })
      .execute()
  })
  return token
}

/** The user a live token belongs to, without using it up (the reset page asks for a password before it does). */
export async function peekEmailToken(db: Db, token: unknown, purpose: EmailTokenPurpose, now = Date.now()): Promise<string | null> {
  if (!isEmailTokenShape(token)) return null
  const row = await db
    .selectFrom('email_tokens')
    .select(['user_id', 'expires_at'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst()
  return row && Date.parse(row.expires_at) > now ? row.user_id : null
}

/**
 * Uses a token up: the user it belonged to, or null when it is unknown,
 * spent or expired. The delete decides, so of two uses at once only one wins.
 */
export async function consumeEmailToken(db: Db, token: unknown, purpose: EmailTokenPurpose, now = Date.now()): Promise<string | null> {
  if (!isEmailTokenShape(token)) return null
  const hash = hashToken(token)
  const row = await db
    .selectFrom('email_tokens')
    .select(['user_id', 'expires_at'])
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .executeTakeFirst()
  if (!row) return null
  const deleted = await db.deleteFrom('email_tokens').where('token_hash', '=', hash).executeTakeFirst()
  if (Number(deleted.numDeletedRows) !== 1) return null
  return Date.parse(row.expires_at) > now ? row.user_id : null
}
