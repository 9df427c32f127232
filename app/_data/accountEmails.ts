import 'server-only'
import type { Db } from './db'
import { consumeEmailToken, issueEmailToken } from './emailTokens'
import { acceptInvitations } from './invitations'
import { passwordResetMessage, verificationMessage } from './mail/messages'
import type { Outgoing } from './mail/outgoing'
import type { Argon2Params } from './passwords'
import { checkNewPassword, findUserByEmail, findUserById, markEmailVerified, setPassword, type PublicUser } from './users'

/** The account flows that go through an emailed link: verifying an address and resetting a password. */

export const verifyLink = (origin: string, token: string) => `${origin}/verify-email?token=${token}`
export const resetLink = (origin: string, token: string) => `${origin}/reset-password?token=${token}`

export async function sendVerificationMail(db: Db, out: Outgoing, user: PublicUser): Promise<void> {
  const token = await issueEmailToken(db, user.id, 'verify')
  await out.send(verificationMessage(user.email, user.name, verifyLink(out.origin, token)))
}

/**
 * What an account does once its address is proved, however: shares that
 * waited for it become memberships. Safe to call again (nothing left to do).
 */
export async function afterAddressProved(db: Db, user: PublicUser): Promise<void> {
  if (!user.emailVerified) await markEmailVerified(db, user.id)
  await acceptInvitations(db, user)
}

/** Uses a verification link: the now verified user, or null for a link that is unknown, used or expired. */
export async function verifyEmail(db: Db, token: unknown): Promise<PublicUser | null> {
  const userId = await consumeEmailToken(db, token, 'verify')
  const user = userId ? await findUserById(db, userId) : null
  if (!user) return null
  await afterAddressProved(db, user)
  return { ...user, emailVerified: true }
}

/**
 * "Forgot password?": mails a reset link when an account uses the address,
 * and does nothing otherwise. The caller answers the same either way.
 */
export async function requestPasswordReset(db: Db, out: Outgoing, email: string): Promise<void> {
  const user = await findUserByEmail(db, email)
  if (!user) return
  const token = await issueEmailToken(db, user.id, 'reset')
  await out.send(passwordResetMessage(user.email, user.name, resetLink(out.origin, token)))
}

/** The one-time reset link `npm run admin -- reset-password` prints; null for an unknown email. */
export async function adminResetLink(db: Db, origin: string, email: string): Promise<string | null> {
  const user = await findUserByEmail(db, email)
  if (!user) return null
  return resetLink(origin, await issueEmailToken(db, user.id, 'reset'))
}

export type ResetResult = { ok: true; user: PublicUser } | { ok: false; error: string }

/** What "Forgot password?" always answers, whether or not an account uses the address. */
export const RESET_REQUESTED = 'If an account uses that address, we sent it a link to reset the password. It works for one hour.'

export const RESET_LINK_EXPIRED = 'This reset link has expired or was already used. Ask for a new one.'

/**
 * Sets a new password through a reset link and ends every session of the
 * account. The link also proves the address. A password that breaks the rules
 * leaves the link usable.
 */
export async function resetPassword(db: Db, token: unknown, password: string, hashing?: Argon2Params): Promise<ResetResult> {
  const check = checkNewPassword(password)
  if (!check.ok) return check
  const userId = await consumeEmailToken(db, token, 'reset')
  const user = userId ? await findUserById(db, userId) : null
  if (!user) return { ok: false, error: RESET_LINK_EXPIRED }
  await setPassword(db, user.id, password, hashing)
  await afterAddressProved(db, user)
  return { ok: true, user: { ...user, emailVerified: true } }
}
