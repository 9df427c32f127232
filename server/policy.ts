/**
 * What a token grants under a document's stored policy (its deletion time and
 * the user's last access change), the one rule that the upgrade, the HTTP
 * API, a fresh token on a live connection and the periodic re-check of live
 * connections all apply (docs/sync-protocol.md, "The document API").
 */
import { minAccess, type AccessLevel } from '../lib/access'
import type { DocumentPolicy } from './persistence/DocumentStore'

/**
 * An access change caps tokens issued up to it (the same second included:
 * token times are whole seconds); tokens issued after it decide alone.
 */
export function accessUnderPolicy(tokenAccess: AccessLevel, tokenIssuedAt: number, policy: DocumentPolicy): AccessLevel {
  const change = policy.accessChange
  return change && tokenIssuedAt <= change.changedAt ? minAccess(tokenAccess, change.access) : tokenAccess
}

/** A token issued up to a deletion (the same second included) no longer opens the document. */
export function issuedBeforeDeletion(tokenIssuedAt: number, policy: DocumentPolicy): boolean {
  return policy.deletedAt !== null && tokenIssuedAt <= policy.deletedAt
}
