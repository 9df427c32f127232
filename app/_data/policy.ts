import type { TokenAccess } from '@/lib/access'
import type { MemberRole } from './schema'

/**
 * Who may do what with a document: the one place these rules live. Pure, so
 * pages, server actions, the token route and tests all read the same table.
 * (No `server-only` marker: it holds no secrets and imports nothing of the server's.)
 */
export type Role = 'owner' | MemberRole

export const Action = {
  /** Open the document and read it. */
  Read: 'read',
  /** Change its content. */
  Write: 'write',
  /** Change its title. */
  Rename: 'rename',
  /** Invite, change roles, remove people, create and revoke links. */
  Share: 'share',
  /** Delete it and its content. */
  Delete: 'delete',
} as const
export type Action = (typeof Action)[keyof typeof Action]

const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  owner: new Set([Action.Read, Action.Write, Action.Rename, Action.Share, Action.Delete]),
  editor: new Set([Action.Read, Action.Write, Action.Rename]),
  viewer: new Set([Action.Read]),
}

/** True when someone with `role` (null: no access at all) may do `action`. */
export function can(role: Role | null | undefined, action: Action): boolean {
  return role ? ALLOWED[role].has(action) : false
}

/** The access level a sync-server token carries for a role (viewer → read, editor → write, owner → admin). */
export function tokenAccessForRole(role: Role): TokenAccess {
  return role === 'owner' ? 'admin' : role === 'editor' ? 'write' : 'read'
}

/** What `POST /docs/<id>/access` is told when someone's role changes to `role` (null: removed). */
export function liveAccessForRole(role: MemberRole | null): 'read' | 'write' | 'none' {
  return role === 'editor' ? 'write' : role === 'viewer' ? 'read' : 'none'
}

/** Ordering used when a share link would grant a role: never lower someone's access. */
export function isHigherRole(a: Role, b: Role): boolean {
  const rank: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 }
  return rank[a] > rank[b]
}

export function isMemberRole(value: unknown): value is MemberRole {
  return value === 'viewer' || value === 'editor'
}
