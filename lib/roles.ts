/**
 * Roles people hold on a document in the web app, ordered from least to most.
 * The owner is whoever created the document; everyone else is a member with
 * one of the member roles. The sync server never sees roles, only the access
 * level a role's token carries (app/_data/policy.ts maps one to the other).
 */
export const ROLES = ['viewer', 'editor', 'owner'] as const
export type Role = (typeof ROLES)[number]

/** Roles that can be granted to someone else (by invitation or share link). */
export const MEMBER_ROLES = ['viewer', 'editor'] as const satisfies readonly Role[]
export type MemberRole = (typeof MEMBER_ROLES)[number]

export function isMemberRole(value: unknown): value is MemberRole {
  return (MEMBER_ROLES as readonly unknown[]).includes(value)
}

/** True when `a` grants more than `b` (a share link never lowers someone's role). */
export function isHigherRole(a: Role, b: Role): boolean {
  return ROLES.indexOf(a) > ROLES.indexOf(b)
}
