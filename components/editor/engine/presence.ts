/** What each tab puts into its awareness state under `user` (CollaborationCaret renders name and colour). */
export interface PresenceUser {
  id: string
  name: string
  color: string
}

export interface Person extends PresenceUser {
  isSelf: boolean
}

function isPresenceUser(value: unknown): value is PresenceUser {
  const user = value as Partial<PresenceUser> | null
  return !!user && typeof user.id === 'string' && typeof user.name === 'string' && typeof user.color === 'string'
}

/**
 * The people in a document from the awareness states of every connected tab:
 * one entry per user id (a user with two tabs appears once), yourself first,
 * then everyone else by name.
 */
export function peopleFromAwareness(states: Map<number, Record<string, unknown>>, selfId: string): Person[] {
  const byId = new Map<string, Person>()
  for (const state of states.values()) {
    const user = state.user
    if (!isPresenceUser(user) || byId.has(user.id)) continue
    byId.set(user.id, { id: user.id, name: user.name, color: user.color, isSelf: user.id === selfId })
  }
  return [...byId.values()].sort((a, b) => (a.isSelf !== b.isSelf ? (a.isSelf ? -1 : 1) : a.name.localeCompare(b.name)))
}
