/**
 * Access levels carried in tokens, ordered from least to most. `admin` implies
 * `write`, which implies `read`. `none` exists only as the result of an access
 * change (`POST /docs/<id>/access`), never inside a token.
 */
export const ACCESS_LEVELS = ['none', 'read', 'write', 'admin'] as const
export type AccessLevel = (typeof ACCESS_LEVELS)[number]
export type TokenAccess = Exclude<AccessLevel, 'none'>

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
