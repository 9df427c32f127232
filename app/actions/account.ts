'use server'

import { headers } from 'next/headers'
import { afterAddressProved, requestPasswordReset, RESET_REQUESTED, resetPassword, sendVerificationMail } from '@/app/_data/accountEmails'
import { deleteAccount } from '@/app/_data/accountDeletion'
import {
  checkPasswordReset,
  checkSignIn,
  checkSignUp,
  recordFailedSignIn,
  recordPasswordReset,
  recordSignUp,
  takeVerificationResend,
} from '@/app/_data/authLimits'
import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { getDeps } from '@/app/_data/deps'
import { mailConfigured } from '@/app/_data/mail/mailer'
import { getCurrentSession, getCurrentUser } from '@/app/_data/session'
import {
  bumpSessionVersion,
  changeDisplayName,
  checkCurrentPassword,
  checkNewPassword,
  createPasswordUser,
  listSignInMethods,
  setPassword,
  type FieldErrors,
} from '@/app/_data/users'
import { clientAddress } from '@/app/_http/clientAddress'
import { outgoingFor } from '@/app/_http/publicOrigin'
import { keepThisSession } from '@/app/_http/sessionCookie'
import { tooManyAttemptsMessage } from '@/components/auth/tooManyAttempts'

export type SignUpState = { ok: true } | { ok: false; errors: FieldErrors & { form?: string } }
export type ActionState = { ok: true; message: string } | { ok: false; error: string }

const SIGNED_OUT = 'You were signed out. Sign in again.'

/**
 * Creates a password account, at most ten per client address per hour
 * (app/_data/authLimits.ts). The form then signs in through next-auth's
 * credentials provider with the same email and password. With SMTP_URL the
 * address must then be verified (a link is mailed); without, it counts as
 * verified at once and invitations waiting for it are accepted.
 */
export async function signUpAction(input: { name: string; email: string; password: string }): Promise<SignUpState> {
  const db = await getDb()
  const requestHeaders = await headers()
  const address = clientAddress(requestHeaders, getConfig().trustProxyHops)
  const verdict = await checkSignUp(db, address)
  if (!verdict.allowed) return { ok: false, errors: { form: tooManyAttemptsMessage(verdict.retryAfterMs / 1000) } }
  const mustVerify = mailConfigured()
  const result = await createPasswordUser(
    db,
    { name: String(input.name ?? ''), email: String(input.email ?? ''), password: String(input.password ?? '') },
    undefined,
    { verified: !mustVerify },
  )
  if (!result.ok) return { ok: false, errors: result.errors }
  await recordSignUp(db, address)
  if (mustVerify) await sendVerificationMail(db, outgoingFor(requestHeaders), result.user)
  else await afterAddressProved(db, result.user)
  return { ok: true }
}

/** "Resend" on the "Check your inbox" banner. */
export async function resendVerificationAction(): Promise<ActionState> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: SIGNED_OUT }
  if (user.emailVerified) return { ok: true, message: 'Your email is already verified.' }
  const db = await getDb()
  const verdict = await takeVerificationResend(db, user.id)
  if (!verdict.allowed) return { ok: false, error: tooManyAttemptsMessage(verdict.retryAfterMs / 1000) }
  await sendVerificationMail(db, outgoingFor(await headers()), user)
  return { ok: true, message: `We sent a new link to ${user.email}.` }
}

export async function requestPasswordResetAction(email: string): Promise<ActionState> {
  const text = String(email ?? '').trim().slice(0, 320)
  if (!text) return { ok: false, error: 'Enter your email address.' }
  const db = await getDb()
  const requestHeaders = await headers()
  const subject = { email: text, address: clientAddress(requestHeaders, getConfig().trustProxyHops) }
  const verdict = await checkPasswordReset(db, subject)
  if (!verdict.allowed) return { ok: false, error: tooManyAttemptsMessage(verdict.retryAfterMs / 1000) }
  await recordPasswordReset(db, subject)
  await requestPasswordReset(db, outgoingFor(requestHeaders), text)
  return { ok: true, message: RESET_REQUESTED }
}

/** The reset page's form: a new password through a one-time link; every session of the account ends. */
export async function resetPasswordAction(token: string, password: string): Promise<ActionState> {
  const result = await resetPassword(await getDb(), String(token ?? ''), String(password ?? ''))
  return result.ok ? { ok: true, message: 'Your password was changed. Sign in with the new one.' } : result
}

export async function changeNameAction(name: string): Promise<ActionState> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: SIGNED_OUT }
  const result = await changeDisplayName(await getDb(), user.id, String(name ?? ''))
  return result.ok ? { ok: true, message: `Your name is now ${result.name}. Others see it the next time you open a document.` } : result
}

/** Asks for the current password; other sessions end, this one goes on. */
export async function changePasswordAction(currentPassword: string, newPassword: string): Promise<ActionState> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: SIGNED_OUT }
  const db = await getDb()
  const check = checkNewPassword(String(newPassword ?? ''))
  if (!check.ok) return check
  // Throttled like sign-in: a borrowed session must not become a password guesser.
  const subject = { email: user.email, address: clientAddress(await headers(), getConfig().trustProxyHops) }
  const verdict = await checkSignIn(db, subject)
  if (!verdict.allowed) return { ok: false, error: tooManyAttemptsMessage(verdict.retryAfterMs / 1000) }
  if (!(await checkCurrentPassword(db, user.id, String(currentPassword ?? '')))) {
    await recordFailedSignIn(db, subject)
    return { ok: false, error: 'Your current password is not right.' }
  }
  const version = await setPassword(db, user.id, String(newPassword))
  await keepThisSession(version)
  return { ok: true, message: 'Password changed. Every other session was signed out.' }
}

/** Ends every session of the account, this one too. */
export async function signOutEverywhereAction(): Promise<ActionState> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: SIGNED_OUT }
  await bumpSessionVersion(await getDb(), user.id)
  return { ok: true, message: 'Signed out everywhere.' }
}

/** How recent a sign-in must be to delete an account that has no password to ask for. */
const FRESH_SIGN_IN_MS = 10 * 60_000

/**
 * Deletes the account and the documents it owns. Asks for the password, or,
 * for an account that signs in only through a provider, a sign-in in the
 * last ten minutes.
 */
export async function deleteAccountAction(password: string): Promise<ActionState> {
  const session = await getCurrentSession()
  const user = await getCurrentUser()
  if (!user || !session) return { ok: false, error: SIGNED_OUT }
  const db = await getDb()
  const methods = await listSignInMethods(db, user.id)
  if (methods.password) {
    const subject = { email: user.email, address: clientAddress(await headers(), getConfig().trustProxyHops) }
    const verdict = await checkSignIn(db, subject)
    if (!verdict.allowed) return { ok: false, error: tooManyAttemptsMessage(verdict.retryAfterMs / 1000) }
    if (!(await checkCurrentPassword(db, user.id, String(password ?? '')))) {
      await recordFailedSignIn(db, subject)
      return { ok: false, error: 'That password is not right: the account was not deleted.' }
    }
  } else if (!session.authAt || Date.now() - session.authAt > FRESH_SIGN_IN_MS) {
    return { ok: false, error: 'For your safety, sign in again (within ten minutes) before deleting your account.' }
  }
  const { sync } = await getDeps()
  const result = await deleteAccount(db, sync, user.id)
  return result.ok ? { ok: true, message: 'Your account was deleted.' } : result
}

