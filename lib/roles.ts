/**
 * Roles people hold on a document in the web app, ordered from least to most.
 * The owner is whoever created the document; everyone else is a member with
 * one of the member roles. The sync server never sees roles, only the access
 * level a role's token carries (app/_data/policy.ts maps one to the other).
 * A commenter reads the document like a viewer (a `read` token) and may also
 * comment on it (issue 16).
 */
export const ROLES = ['viewer', 'commenter', 'editor', 'owner'] as const
export type Role = (typeof ROLES)[number]

/** Roles that can be granted to someone else (by invitation or share link). */
export const MEMBER_ROLES = ['viewer', 'commenter', 'editor'] as const satisfies readonly Role[]
export type MemberRole = (typeof MEMBER_ROLES)[number]

export function isMemberRole(value: unknown): value is MemberRole {
  return (MEMBER_ROLES as readonly unknown[]).includes(value)
}

/** True when `a` grants more than `b` (a share link never lowers someone's role). */
export function isHigherRole(a: Role, b: Role): boolean {
  return ROLES.indexOf(a) > ROLES.indexOf(b)
}

/** How each role reads in the UI ("Commenter"). */
export const ROLE_LABEL: Record<Role, string> = { viewer: 'Viewer', commenter: 'Commenter', editor: 'Editor', owner: 'Owner' }

/** A role after "a"/"an" in a sentence ("an editor", "a commenter"). */
export function roleWithArticle(role: Role): string {
  return `${role === 'editor' || role === 'owner' ? 'an' : 'a'} ${role}`
}
