'use server'

import { getDb } from '@/app/_data/db'
import { createPersonalToken, listPersonalTokens, revokePersonalToken, TokenLimitError, type PersonalToken } from '@/app/_data/personalTokens'
import { getCurrentUser } from '@/app/_data/session'

// Server actions are public POST endpoints: each checks the session itself.

const SIGNED_OUT = 'You were signed out. Sign in again.'

export type TokenActionResult =
  | { ok: true; tokens: PersonalToken[]; created?: { token: string; name: string } }
  | { ok: false; error: string; tokens?: PersonalToken[] }

/** Makes a personal access token; its secret is in the answer, once. */
export async function createTokenAction(name: string, allowCreate: boolean): Promise<TokenActionResult> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: SIGNED_OUT }
  if (typeof name !== 'string' || name.trim() === '') return { ok: false, error: 'Give the token a name, so you know later what uses it.' }
  const db = await getDb()
  try {
    const { token, record } = await createPersonalToken(db, user.id, name, allowCreate === true ? ['read', 'create'] : ['read'])
    return { ok: true, tokens: await listPersonalTokens(db, user.id), created: { token, name: record.name } }
  } catch (error) {
    if (error instanceof TokenLimitError) return { ok: false, error: error.message }
    throw error
  }
}

export async function revokeTokenAction(tokenId: string): Promise<TokenActionResult> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: SIGNED_OUT }
  const db = await getDb()
  const revoked = typeof tokenId === 'string' && (await revokePersonalToken(db, user.id, tokenId))
  const tokens = await listPersonalTokens(db, user.id)
  return revoked ? { ok: true, tokens } : { ok: false, error: 'That token was revoked already.', tokens }
}
