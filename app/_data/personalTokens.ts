import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import type { Db } from './db'
import { newId, nowIso } from './ids'
import { findUserById, type PublicUser } from './users'

/**
 * Personal access tokens: what a script sends as `Authorization: Bearer …`
 * to the API (README, "API for scripts"). Each is shown once when made;
 * only its sha256 is kept (the secret has 256 random bits, so a fast hash is
 * enough: there is nothing to guess). Every token can read what its owner
 * can read; `create` also lets it make documents. No token can change or
 * delete anything.
 */
export const TOKEN_SCOPES = ['read', 'create'] as const
export type TokenScope = (typeof TOKEN_SCOPES)[number]

/** Recognisable in a leaked log or a secret scanner. */
export const TOKEN_PREFIX = 'tdm_pat_'
export const MAX_TOKEN_NAME_LENGTH = 100
/** Enough for every script a person runs; more is a sign of something looping. */
export const MAX_TOKENS_PER_USER = 50
/** `last_used_at` is written at most this often per token, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000

export interface PersonalToken {
  id: string
  name: string
  scopes: TokenScope[]
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface TokenHolder {
  user: PublicUser
  tokenId: string
  scopes: TokenScope[]
}

export class TokenLimitError extends Error {}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

function parseScopes(stored: string): TokenScope[] {
  return stored.split(' ').filter((scope): scope is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(scope))
}

/** Makes a token; the returned `token` is the only time the secret exists outside the caller's hands. */
export async function createPersonalToken(
  db: Db,
  userId: string,
  name: string,
  scopes: readonly TokenScope[],
): Promise<{ token: string; record: PersonalToken }> {
  const cleanName = name.replace(/\s+/g, ' ').trim().slice(0, MAX_TOKEN_NAME_LENGTH) || 'Token'
  // Reading is what every token does; `create` is added on top.
  const granted: TokenScope[] = scopes.includes('create') ? ['read', 'create'] : ['read']
  const active = await db
    .selectFrom('personal_access_tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow()
  if (Number(active.count) >= MAX_TOKENS_PER_USER) {
    throw new TokenLimitError(`You already have ${MAX_TOKENS_PER_USER} tokens; revoke one you no longer use first.`)
  }
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  const record: PersonalToken = { id: newId(), name: cleanName, scopes: granted, createdAt: nowIso(), lastUsedAt: null, revokedAt: null }
  await db
    .insertInto('personal_access_tokens')
    .values({
      id: record.id,
      user_id: userId,
      name: record.name,
      token_hash: hashToken(token),
      scopes: granted.join(' '),
      created_at: record.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute()
  return { token, record }
}

/** The user's tokens, newest first, revoked ones included (marked). */
export async function listPersonalTokens(db: Db, userId: string): Promise<PersonalToken[]> {
  const rows = await db
    .selectFrom('personal_access_tokens')
    .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }))
}

/** Revokes one of the user's own tokens; false when there is no such token of theirs (or it was revoked already). */
export async function revokePersonalToken(db: Db, userId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('personal_access_tokens')
    .set({ revoked_at: nowIso() })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Who a presented token acts for, or null for an unknown or revoked one. */
export async function authenticatePersonalToken(db: Db, token: string): Promise<TokenHolder | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null
  const row = await db
    .selectFrom('personal_access_tokens')
    .select(['id', 'user_id', 'scopes', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (!row) return null
  const user = await findUserById(db, row.user_id)
  if (!user) return null
  const now = Date.now()
  if (!row.last_used_at || now - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
    await db.updateTable('personal_access_tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.id).execute()
  }
  return { user, tokenId: row.id, scopes: parseScopes(row.scopes) }
}
