'use server'

import { headers } from 'next/headers'
import { checkSignUp, recordSignUp } from '@/app/_data/authLimits'
import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { createPasswordUser, type FieldErrors } from '@/app/_data/users'
import { clientAddress } from '@/app/_http/clientAddress'
import { tooManyAttemptsMessage } from '@/components/auth/tooManyAttempts'

export type SignUpState = { ok: true } | { ok: false; errors: FieldErrors & { form?: string } }

/**
 * Creates a password account, at most ten per client address per hour
 * (app/_data/authLimits.ts). The form then signs in through next-auth's
 * credentials provider with the same email and password.
 */
export async function signUpAction(input: { name: string; email: string; password: string }): Promise<SignUpState> {
  const db = await getDb()
  const address = clientAddress(await headers(), getConfig().trustProxyHops)
  const verdict = await checkSignUp(db, address)
  if (!verdict.allowed) return { ok: false, errors: { form: tooManyAttemptsMessage(verdict.retryAfterMs / 1000) } }
  const result = await createPasswordUser(db, {
    name: String(input.name ?? ''),
    email: String(input.email ?? ''),
    password: String(input.password ?? ''),
  })
  if (!result.ok) return { ok: false, errors: result.errors }
  await recordSignUp(db, address)
  return { ok: true }
}
