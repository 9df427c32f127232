import 'server-only'
import { z } from 'zod'
import type { Db } from './db'
import { newId, nowIso } from './ids'
import { checkPassword, DEFAULT_ARGON2, hashPassword, spendVerification, type Argon2Params } from './passwords'
import type { UserRow } from './schema'

/**
 * A bound on what each sign-in hashes. It was bcrypt's (which reads only the
 * first 72 bytes) and stays: accounts made then must keep signing in with the
 * same rule, and nobody's password manager makes longer ones.
 */
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
export async function createPasswordUser(db: Db, input: SignUpInput, hashing: Argon2Params = DEFAULT_ARGON2): Promise<CreateUserResult> {
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
    password_hash: await hashPassword(password, hashing),
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

/**
 * The user when the email and password match, else null (never says which one
 * was wrong, and takes about as long either way). A match against an old
 * bcrypt hash replaces it with an argon2id one.
 */
export async function verifyPassword(
  db: Db,
  email: string,
  password: string,
  hashing: Argon2Params = DEFAULT_ARGON2,
): Promise<PublicUser | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst()
  if (!row?.password_hash) {
    await spendVerification(password, hashing)
    return null
  }
  const check = await checkPassword(row.password_hash, password, hashing)
  if (!check.ok) return null
  if (check.needsRehash) {
    // Only if nobody changed it meanwhile (a second sign-in doing the same is harmless either way).
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password, hashing) })
      .where('id', '=', row.id)
      .where('password_hash', '=', row.password_hash)
      .execute()
  }
  return toPublic(row)
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
