import 'server-only'
import { randomBytes } from 'node:crypto'

/** A random id: 16 characters of [A-Za-z0-9_-], which is also a valid sync-server docId. */
export function newId(): string {
  return randomBytes(12).toString('base64url')
}

/** A share-link secret: 128 bits, unguessable. */
export function newLinkToken(): string {
  return randomBytes(16).toString('base64url')
}

export function nowIso(): string {
  return new Date().toISOString()
}
