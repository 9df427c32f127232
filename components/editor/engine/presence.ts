import type { Awareness } from 'y-protocols/awareness'
import { distinctColorFor } from './userColor'

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

/** The awareness states as `peopleFromAwareness` reads them. */
function statesOf(awareness: Awareness): Map<number, Record<string, unknown>> {
  return awareness.getStates() as Map<number, Record<string, unknown>>
}

/**
 * Calls `onChange` with the people in the document now and after every
 * awareness change; returns the function that stops watching.
 */
export function watchPeople(awareness: Awareness, selfId: string, onChange: (people: Person[]) => void): () => void {
  const update = () => onChange(peopleFromAwareness(statesOf(awareness), selfId))
  update()
  awareness.on('change', update)
  return () => awareness.off('change', update)
}

/**
 * Keeps this tab's presence colour different from everyone else's in the
 * document (twelve colours hashed from user ids collide often enough to matter:
 * two green carets can't be told apart). CollaborationCaret draws carets from
 * the awareness state, so changing `user.color` there is all it takes.
 * Returns the function that stops it.
 */
export function keepColorDistinct(awareness: Awareness, user: PresenceUser): () => void {
  const update = () => {
    const others = peopleFromAwareness(statesOf(awareness), user.id).filter((person) => !person.isSelf)
    const color = distinctColorFor(user.id, others)
    const current = (awareness.getLocalState()?.user as PresenceUser | undefined)?.color
    if (color !== current) awareness.setLocalStateField('user', { ...user, color })
  }
  update()
  awareness.on('change', update)
  return () => awareness.off('change', update)
}
