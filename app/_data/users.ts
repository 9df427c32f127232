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
  /** Whether the address is proved: shares addressed to it wait until it is (app/_data/invitations.ts). */
  emailVerified: boolean
}

const toPublic = (row: UserRow): PublicUser => ({ id: row.id, email: row.email, name: row.name, emailVerified: row.email_verified_at !== null })

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

const nameSchema = z.string().trim().min(1, 'Enter your name.').max(80, 'Use at most 80 characters for your name.')
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address.'))
const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters for your password.`)
  .refine((p) => new TextEncoder().encode(p).length <= MAX_PASSWORD_BYTES, 'Use at most 72 bytes for your password.')
  .refine((p) => new Set(p).size >= 4, 'That password is too easy to guess: use more different characters.')

const signUpSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema })

export type SignUpInput = z.input<typeof signUpSchema>
export type FieldErrors = Partial<Record<'name' | 'email' | 'password', string>>

export type CreateUserResult = { ok: true; user: PublicUser } | { ok: false; errors: FieldErrors }

/**
 * Validates and creates a password account. A taken email is a field error,
 * not an exception. `verified`: whether the address counts as proved at once
 * (it does when there is no SMTP server to prove it with).
 */
export async function createPasswordUser(
  db: Db,
  input: SignUpInput,
  hashing: Argon2Params = DEFAULT_ARGON2,
  { verified = true }: { verified?: boolean } = {},
): Promise<CreateUserResult> {
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
    email_verified_at: verified ? nowIso() : null,
    session_version: 0,
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
  /** The provider vouches for the address (its `email_verified` claim). */
  emailVerified?: boolean
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
  if (linked) {
    // The provider has since confirmed the address: the account is verified from now on.
    if (profile.emailVerified && linked.email_verified_at === null && profile.email && normaliseEmail(profile.email) === linked.email) {
      await markEmailVerified(db, linked.id)
      return { ok: true, user: { ...toPublic(linked), emailVerified: true } }
    }
    return { ok: true, user: toPublic(linked) }
  }
  if (!profile.email) return { ok: false, reason: 'email-missing' }
  const email = normaliseEmail(profile.email)
  const holder = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  if (holder) {
    if (holder.email_verified_at !== null || !profile.emailVerified) return { ok: false, reason: 'email-in-use' }
    return { ok: true, user: await claimUnverifiedAccount(db, holder, profile) }
  }
  const now = nowIso()
  const row: UserRow = {
    id: newId(),
    email,
    name: profile.name?.trim().slice(0, 80) || email.split('@')[0],
    password_hash: null,
    created_at: now,
    email_verified_at: profile.emailVerified ? now : null,
    session_version: 0,
  }
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values(row).execute()
    await trx
      .insertInto('oauth_accounts')
      .values({ provider: profile.provider, provider_account_id: profile.providerAccountId, user_id: row.id, created_at: now })
      .execute()
  })
  return { ok: true, user: toPublic(row) }
}

/**
 * A provider vouches for an address that a password account holds without
 * ever having proved it. Whoever made that account could not read the
 * address's mail, so it must not keep the address from its owner: the
 * identity is linked to the account, the unproved password is dropped and
 * every session of the account ends. Its owner (often the same person, who
 * signed up and never clicked the link) keeps its documents and invitations.
 */
async function claimUnverifiedAccount(db: Db, holder: UserRow, profile: OAuthProfile): Promise<PublicUser> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('oauth_accounts')
      .values({ provider: profile.provider, provider_account_id: profile.providerAccountId, user_id: holder.id, created_at: now })
      .execute()
    await trx
      .updateTable('users')
      .set((eb) => ({ password_hash: null, email_verified_at: now, session_version: eb('session_version', '+', 1) }))
      .where('id', '=', holder.id)
      .where('email_verified_at', 'is', null)
      .execute()
  })
  return { ...toPublic(holder), emailVerified: true }
}

/** Records that the address is proved (a verification or reset link was used, or a provider vouched). */
export async function markEmailVerified(db: Db, userId: string): Promise<void> {
  await db.updateTable('users').set({ email_verified_at: nowIso() }).where('id', '=', userId).where('email_verified_at', 'is', null).execute()
}

/** The version sessions must carry (app/_data/auth.ts); null for no such user. */
export async function getSessionVersion(db: Db, userId: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('session_version').where('id', '=', userId).executeTakeFirst()
  return row ? Number(row.session_version) : null
}

/** Ends every session of the user (each is checked against this on its next request); returns the new version. */
export async function bumpSessionVersion(db: Db, userId: string): Promise<number> {
  await db
    .updateTable('users')
    .set((eb) => ({ session_version: eb('session_version', '+', 1) }))
    .where('id', '=', userId)
    .execute()
  return (await getSessionVersion(db, userId)) ?? 0
}

export type PasswordCheck = { ok: true } | { ok: false; error: string }

/** The same rules as sign-up, for a new password. */
export function checkNewPassword(password: string): PasswordCheck {
  const parsed = passwordSchema.safeParse(password)
  return parsed.success ? { ok: true } : { ok: false, error: parsed.error.issues[0].message }
}

/**
 * Replaces the password and ends every session (the caller re-issues its own
 * if it should stay signed in). Returns the new session version.
 */
export async function setPassword(db: Db, userId: string, password: string, hashing: Argon2Params = DEFAULT_ARGON2): Promise<number> {
  await db.updateTable('users').set({ password_hash: await hashPassword(password, hashing) }).where('id', '=', userId).execute()
  return bumpSessionVersion(db, userId)
}

/** Whether `password` is the user's current one (false for accounts without a password). */
export async function checkCurrentPassword(db: Db, userId: string, password: string, hashing: Argon2Params = DEFAULT_ARGON2): Promise<boolean> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst()
  if (!row?.password_hash) {
    await spendVerification(password, hashing)
    return false
  }
  return (await checkPassword(row.password_hash, password, hashing)).ok
}

export type RenameResult = { ok: true; name: string } | { ok: false; error: string }

/** Changes the display name; carets and people lists pick it up on the next connection (it is in the access token). */
export async function changeDisplayName(db: Db, userId: string, name: string): Promise<RenameResult> {
  const parsed = nameSchema.safeParse(name)
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0].message }
  await db.updateTable('users').set({ name: parsed.data }).where('id', '=', userId).execute()
  return { ok: true, name: parsed.data }
}

export interface SignInMethods {
  password: boolean
  /** Provider ids (github, google, oidc) linked to the account. */
  providers: string[]
}

export async function listSignInMethods(db: Db, userId: string): Promise<SignInMethods> {
  const [user, links] = await Promise.all([
    db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst(),
    db.selectFrom('oauth_accounts').select('provider').where('user_id', '=', userId).orderBy('provider').execute(),
  ])
  return { password: Boolean(user?.password_hash), providers: links.map((l) => l.provider) }
}
