import type { LiveAccess, TokenAccess } from './access'
import type { MemberRole, Role } from './roles'

export { isHigherRole, isMemberRole, type Role } from './roles'

/**
 * Who may do what with a document: the one place these rules live. Pure, so
 * pages, server actions, the token route and tests all read the same table.
 * (In lib/: it holds no secrets, and the editor's components read the same table to decide what to show.)
 */
export const Action = {
  /** Open the document and read it. */
  Read: 'read',
  /** Read its comments, start threads, reply (issue 16). Editing and deleting one's own comments comes with it. */
  Comment: 'comment',
  /** Delete anyone's comment. */
  ModerateComments: 'moderate-comments',
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
  owner: new Set([Action.Read, Action.Comment, Action.ModerateComments, Action.Write, Action.Rename, Action.Share, Action.Delete]),
  editor: new Set([Action.Read, Action.Comment, Action.Write, Action.Rename]),
  commenter: new Set([Action.Read, Action.Comment]),
  viewer: new Set([Action.Read]),
}

/** True when someone with `role` (null: no access at all) may do `action`. */
export function can(role: Role | null | undefined, action: Action): boolean {
  return role ? ALLOWED[role].has(action) : false
}

/** The access level a sync-server token carries for a role (viewer and commenter → read, editor → write, owner → admin). */
export function tokenAccessForRole(role: Role): TokenAccess {
  return role === 'owner' ? 'admin' : role === 'editor' ? 'write' : 'read'
}

/** What `POST /docs/<id>/access` is told when someone's role changes to `role` (null: removed). */
export function liveAccessForRole(role: MemberRole | null): LiveAccess {
  return role === 'editor' ? 'write' : role === 'viewer' || role === 'commenter' ? 'read' : 'none'
}

