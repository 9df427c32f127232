import 'server-only'
import type { Db } from './db'
import { checkThrottle, clearAttempts, recordAttempt, type ThrottleRule, type ThrottleVerdict } from './throttle'
import { normaliseEmail } from './users'

const MINUTE_MS = 60_000

/**
 * The limits on password sign-in and sign-up (README, "Throttling"). A
 * throttled attempt is refused before its password is looked at, and is not
 * counted itself: an attacker who keeps trying does not stretch the lock-out
 * of the person whose email they are guessing.
 */
export const AuthLimits = {
  /** Five wrong passwords for one email in 15 minutes: a guesser gets 20 tries an hour, a person who forgot still gets in later. */
  signInPerEmail: { name: 'sign-in:email', limit: 5, windowMs: 15 * MINUTE_MS },
  /** Twenty failures from one client address in 15 minutes: one address trying many emails. */
  signInPerAddress: { name: 'sign-in:address', limit: 20, windowMs: 15 * MINUTE_MS },
  /** Ten new accounts from one client address per hour. */
  signUpPerAddress: { name: 'sign-up:address', limit: 10, windowMs: 60 * MINUTE_MS },
  /** Three reset mails per email in 15 minutes: enough for a lost first mail, too few to flood an inbox. */
  resetPerEmail: { name: 'reset:email', limit: 3, windowMs: 15 * MINUTE_MS },
  /** Twenty reset requests from one client address in 15 minutes, like sign-in failures. */
  resetPerAddress: { name: 'reset:address', limit: 20, windowMs: 15 * MINUTE_MS },
  /** Five "Resend" verification mails per account per hour. */
  verifyResendPerUser: { name: 'verify-resend:user', limit: 5, windowMs: 60 * MINUTE_MS },
} as const satisfies Record<string, ThrottleRule>

/** Who a sign-in attempt is for and from; either may be unknown (no email sent, no trustworthy address). */
export interface SignInSubject {
  email: string | null
  address: string | null
}

function worst(verdicts: ThrottleVerdict[]): ThrottleVerdict {
  let retryAfterMs = 0
  for (const verdict of verdicts) if (!verdict.allowed) retryAfterMs = Math.max(retryAfterMs, verdict.retryAfterMs)
  return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true }
}

const emailKey = (email: string) => normaliseEmail(email)

export async function checkSignIn(db: Db, subject: SignInSubject, now = Date.now()): Promise<ThrottleVerdict> {
  return worst(
    await Promise.all([
      subject.email ? checkThrottle(db, AuthLimits.signInPerEmail, emailKey(subject.email), now) : { allowed: true as const },
      subject.address ? checkThrottle(db, AuthLimits.signInPerAddress, subject.address, now) : { allowed: true as const },
    ]),
  )
}

/** A wrong password (or unknown email) counts against both the email and the address. */
export async function recordFailedSignIn(db: Db, subject: SignInSubject, now = Date.now()): Promise<void> {
  if (subject.email) await recordAttempt(db, AuthLimits.signInPerEmail, emailKey(subject.email), now)
  if (subject.address) await recordAttempt(db, AuthLimits.signInPerAddress, subject.address, now)
}

/**
 * The account's own failures are forgiven once its owner gets in; the
 * address's are not (someone guessing many emails may also know one password).
 */
export async function recordSuccessfulSignIn(db: Db, subject: SignInSubject): Promise<void> {
  if (subject.email) await clearAttempts(db, AuthLimits.signInPerEmail, emailKey(subject.email))
}

export async function checkSignUp(db: Db, address: string | null, now = Date.now()): Promise<ThrottleVerdict> {
  return address ? checkThrottle(db, AuthLimits.signUpPerAddress, address, now) : { allowed: true }
}

export async function recordSignUp(db: Db, address: string | null, now = Date.now()): Promise<void> {
  if (address) await recordAttempt(db, AuthLimits.signUpPerAddress, address, now)
}

/**
 * "Forgot password?": every request counts (answered or not, the page says the
 * same), against the email and the client address.
 */
export async function checkPasswordReset(db: Db, subject: SignInSubject, now = Date.now()): Promise<ThrottleVerdict> {
  return worst(
    await Promise.all([
      subject.email ? checkThrottle(db, AuthLimits.resetPerEmail, emailKey(subject.email), now) : { allowed: true as const },
      subject.address ? checkThrottle(db, AuthLimits.resetPerAddress, subject.address, now) : { allowed: true as const },
    ]),
  )
}

export async function recordPasswordReset(db: Db, subject: SignInSubject, now = Date.now()): Promise<void> {
  if (subject.email) await recordAttempt(db, AuthLimits.resetPerEmail, emailKey(subject.email), now)
  if (subject.address) await recordAttempt(db, AuthLimits.resetPerAddress, subject.address, now)
}

/** Counts one "Resend" of the verification mail; refuses once the hour's are used. */
export async function takeVerificationResend(db: Db, userId: string, now = Date.now()): Promise<ThrottleVerdict> {
  const verdict = await checkThrottle(db, AuthLimits.verifyResendPerUser, userId, now)
  if (verdict.allowed) await recordAttempt(db, AuthLimits.verifyResendPerUser, userId, now)
  return verdict
}
