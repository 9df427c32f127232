'use server'

import { getDb } from '@/app/_data/db'
import { createPasswordUser, type FieldErrors } from '@/app/_data/users'

export type SignUpState = { ok: true } | { ok: false; errors: FieldErrors }

/**
 * Creates a password account. The form then signs in through next-auth's
 * credentials provider with the same email and password.
 */
export async function signUpAction(input: { name: string; email: string; password: string }): Promise<SignUpState> {
  const result = await createPasswordUser(await getDb(), {
    name: String(input.name ?? ''),
    email: String(input.email ?? ''),
    password: String(input.password ?? ''),
  })
  return result.ok ? { ok: true } : { ok: false, errors: result.errors }
}
