import 'server-only'
import bcrypt from 'bcryptjs'
import { z } from 'zod'
import type { Db } from './db'
import { newId, nowIso } from './ids'
import type { UserRow } from './schema'

/** bcrypt cost: about 70 ms per hash on one core here; slow enough for stolen hashes, fast enough to sign in. */
export const BCRYPT_COST = 10
/** bcrypt reads only the first 72 bytes; longer passwords would silently be truncated. */
const MAX_PASSWORD_BYTES = 72
export const MIN_PASSWORD_LENGTH = 8

export interface PublicUser {
  id: string
  email: string
  name: string
}

const toPublic = (row: UserRow): PublicUser => ({ id: row.id, email: row.email, name: row.name })

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

const signUpSchema = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(80, 'Use at most 80 characters for your name.'),
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address.')),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters for your password.`)
    .refine((p) => new TextEncoder().encode(p).length <= MAX_PASSWORD_BYTES, 'Use at most 72 bytes for your password.')
    .refine((p) => new Set(p).size >= 4, 'That password is too easy to guess: use more different characters.'),
})

export type SignUpInput = z.input<typeof signUpSchema>
export type FieldErrors = Partial<Record<'name' | 'email' | 'password', string>>

export type CreateUserResult = { ok: true; user: PublicUser } | { ok: false; errors: FieldErrors }

/** Validates and creates a password account. A taken email is a field error, not an exception. */
export async function createPasswordUser(db: Db, input: SignUpInput, cost = BCRYPT_COST): Promise<CreateUserResult> {
  const parsed = signUpSchema.safeParse(input)
  if (!parsed.success) {
    const errors: FieldErrors = {}
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof FieldErrors
      errors[field] ??= issue.message
    }
    return { ok: false, errors }
  }
  const { name, email, password } = parsed.data
  if (await findUserByEmail(db, email)) {
    return { ok: false, errors: { email: 'An account with this email already exists. Sign in instead.' } }
  }
  const row: UserRow = {
    id: newId(),
    email,
    name,
    password_hash: await bcrypt.hash(password, cost),
    created_at: nowIso(),
  }
  try {
    await db.insertInto('users').values(row).execute()
  } catch (error) {
    // Two sign-ups with one email at the same moment: the unique index decides.
    if (await findUserByEmail(db, email)) {
      return { ok: false, errors: { email: 'An account with this email already exists. Sign in instead.' } }
    }
    throw error
  }
  return { ok: true, user: toPublic(row) }
}

/** The user when the email and password match, else null (never says which one was wrong). */
export async function verifyPassword(db: Db, email: string, password: string): Promise<PublicUser | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst()
  if (!row?.password_hash) return null
  return (await bcrypt.compare(password, row.password_hash)) ? toPublic(row) : null
}

export async function findUserByEmail(db: Db, email: string): Promise<PublicUser | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst()
  return row ? toPublic(row) : null
}

export async function findUserById(db: Db, id: string): Promise<PublicUser | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toPublic(row) : null
}

export interface OAuthProfile {
  provider: string
  providerAccountId: string
  email: string | null | undefined
  name: string | null | undefined
}

export type OAuthUserResult = { ok: true; user: PublicUser } | { ok: false; reason: 'email-missing' | 'email-in-use' }

/**
 * Finds the local user behind an OAuth identity, creating one on first sign-in.
 * An identity is not linked to an existing account with the same email: the
 * provider's say-so about an email is not proof enough to take over an account
 * that someone secured with a password.
 */
export async function findOrCreateOAuthUser(db: Db, profile: OAuthProfile): Promise<OAuthUserResult> {
  const linked = await db
    .selectFrom('oauth_accounts')
    .innerJoin('users', 'users.id', 'oauth_accounts.user_id')
    .selectAll('users')
    .where('oauth_accounts.provider', '=', profile.provider)
    .where('oauth_accounts.provider_account_id', '=', profile.providerAccountId)
    .executeTakeFirst()
  if (linked) return { ok: true, user: toPublic(linked) }
  if (!profile.email) return { ok: false, reason: 'email-missing' }
  const email = normaliseEmail(profile.email)
  if (await findUserByEmail(db, email)) return { ok: false, reason: 'email-in-use' }
  const now = nowIso()
  const row: UserRow = { id: newId(), email, name: profile.name?.trim() || email.split('@')[0], password_hash: null, created_at: now }
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values(row).execute()
    await trx
      .insertInto('oauth_accounts')
      .values({ provider: profile.provider, provider_account_id: profile.providerAccountId, user_id: row.id, created_at: now })
      .execute()
  })
  return { ok: true, user: toPublic(row) }
}
