/**
 * The access vocabulary shared by the web app, the sync server and tests: one
 * list of values per concept, and the type derived from it. Ordered from
 * least to most: `admin` implies `write`, which implies `read`.
 */
export const ACCESS_LEVELS = ['none', 'read', 'write', 'admin'] as const
export type AccessLevel = (typeof ACCESS_LEVELS)[number]

/** What a token may carry: never `none` (no access means no token). */
export const TOKEN_ACCESS_LEVELS = ['read', 'write', 'admin'] as const
export type TokenAccess = (typeof TOKEN_ACCESS_LEVELS)[number]

/**
 * What an access change (`POST /docs/<id>/access`) may set for a user's open
 * connections: `none` closes them, `read` makes them read-only. `admin` is not
 * among them: deleting and changing access stay with the owner's own token.
 */
export const LIVE_ACCESS_LEVELS = ['none', 'read', 'write'] as const
export type LiveAccess = (typeof LIVE_ACCESS_LEVELS)[number]

const rank = (level: AccessLevel): number => ACCESS_LEVELS.indexOf(level)

/** True when `granted` allows everything `needed` does. */
export function accessAllows(granted: AccessLevel, needed: AccessLevel): boolean {
  return rank(granted) >= rank(needed)
}

/** The lower of two access levels: an access change never grants more than the token. */
export function minAccess(a: AccessLevel, b: AccessLevel): AccessLevel {
  return rank(a) <= rank(b) ? a : b
}

export function canWrite(level: AccessLevel): boolean {
  return accessAllows(level, 'write')
}
