import 'server-only'
import { hash, verify, type Algorithm } from '@node-rs/argon2'
import bcrypt from 'bcryptjs'

/**
 * Password hashes. New ones are argon2id through @node-rs/argon2, a native
 * addon whose async calls run on libuv's thread pool: ten people signing in
 * at once no longer stall every other request the way bcryptjs (pure
 * JavaScript, on the event loop) did. Hashes made before that (bcryptjs
 * `$2a$`/`$2b$`) still verify, and {@link checkPassword} says when one should
 * be replaced by a fresh argon2id hash.
 */
export interface Argon2Params {
  /** KiB of memory per hash. */
  memoryCost: number
  /** Passes over that memory. */
  timeCost: number
  parallelism: number
}

/** OWASP's first argon2id recommendation (19 MiB, 2 passes, 1 lane): about 10 ms per hash here. */
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

/** The smallest argon2 allows, for tests that create many users; never for real accounts. */
export const TEST_ARGON2: Argon2Params = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

/** `Algorithm.Argon2id`: the package declares a const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm

const BCRYPT_PREFIX = /^\$2[aby]\$\d\d\$/

export async function hashPassword(password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...params })
}

export interface PasswordCheck {
  ok: boolean
  /** The password matched a hash that is not argon2id with `params` (bcrypt, or older settings): store a new one. */
  needsRehash: boolean
}

/** Checks a password against a stored hash of either kind; an unknown format never matches. */
export async function checkPassword(stored: string, password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<PasswordCheck> {
  if (stored.startsWith('$argon2')) {
    const ok = await verify(stored, password).catch(() => false)
    return { ok, needsRehash: ok && !stored.startsWith(phcPrefix(params)) }
  }
  if (BCRYPT_PREFIX.test(stored)) {
    // bcryptjs runs on the event loop, but only once per legacy account: the hash is replaced on success.
    const ok = await bcrypt.compare(password, stored)
    return { ok, needsRehash: ok }
  }
  return { ok: false, needsRehash: false }
}

/** How an argon2id hash with these settings begins (the PHC string format). */
function phcPrefix(params: Argon2Params): string {
  return `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$`
}

const dummyHashes = new Map<string, Promise<string>>()

/**
 * Does the work of one verification against a hash nobody can match, so that
 * "no such account" takes as long as "wrong password" and the timing of a
 * sign-in does not tell which emails have accounts.
 */
export async function spendVerification(password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<void> {
  const key = phcPrefix(params)
  let dummy = dummyHashes.get(key)
  if (!dummy) {
    dummy = hashPassword(`no account ${Math.random()}`, params)
    dummyHashes.set(key, dummy)
  }
  await checkPassword(await dummy, password, params)
}
