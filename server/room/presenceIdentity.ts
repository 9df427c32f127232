/**
 * Presence bound to the token: in every awareness state the server relays,
 * `user.id` is the connection's token `sub`, and `user.name` its `name` when
 * the token has one (docs/sync-protocol.md, "Presence"). Carets and people
 * lists read these fields, so a viewer cannot appear as someone else, nor
 * take over a departed user's presence under their name.
 *
 * The state was parsed once already (to check it is JSON); it is written
 * again only when the user fields differ. Tandem's editor sends exactly the
 * token's id and name, so its states pass as they came.
 */
import type { AwarenessEntry, DecodedAwarenessEntry } from '../AwarenessStore'
import { protocolError } from '../SyncError'

export interface PresenceIdentity {
  readonly sub: string
  readonly name: string | undefined
}

type JsonObject = Record<string, unknown>

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Returns `entry` with its state's `user.id` (and `user.name`) set to the
 * identity's, leaving every other field as it was. A removal (`null`) passes
 * as it is; a state that is not a JSON object has no place for a user and is
 * refused (1002).
 */
export function bindToIdentity(entry: DecodedAwarenessEntry, identity: PresenceIdentity): AwarenessEntry {
  const { state } = entry
  if (state === null) return entry
  if (!isObject(state)) throw protocolError('an awareness state must be a JSON object or null')
  const { sub, name } = identity
  const user = state.user
  if (isObject(user) && user.id === sub && (name === undefined || user.name === name)) return entry
  state.user = { ...(isObject(user) ? user : {}), id: sub, ...(name === undefined ? {} : { name }) }
  return { clientId: entry.clientId, clock: entry.clock, json: JSON.stringify(state) }
}
