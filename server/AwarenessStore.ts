/**
 * A room's presence states, with who owns each client ID.
 *
 * We keep awareness ourselves instead of using y-protocols' `Awareness` class:
 * that class runs a timer per instance and parses every state, while the server
 * only needs to (1) know which connection introduced which client ID, so one
 * user can neither erase nor impersonate another's presence (docs/sync-protocol.md,
 * "Wire protocol"), and (2) keep each state's JSON text to hand to joiners.
 * The wire format is y-protocols' awareness update:
 * `count, (clientID, clock, JSON state)*`, with state `null` meaning removed.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { protocolError } from './SyncError'

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The state as JSON text; `'null'` for a removed state. */
  json: string
}

interface ClientRecord<Owner> {
  clock: number
  json: string
  owner: Owner | null
  updatedAtMs: number
}

export interface AwarenessStoreOptions<Owner> {
  /**
   * The owner standing for "clients of other instances". It may introduce any
   * number of client IDs, and its states expire `remoteStateTtlMs` after their
   * last update: if that instance dies, nobody will ever send their removal.
   * (Clients renew their state every 15 s and drop others' after 30 s.)
   */
  remoteOwner?: Owner
  remoteStateTtlMs?: number
}

const REMOVED = 'null'

/** A connection may control this many client IDs at most; more would only serve to exhaust memory. */
export const MAX_CLIENT_IDS_PER_CONNECTION = 16

/** Parses an awareness update, validating every state as JSON. Throws 1002 when malformed. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      // Stock clients JSON.parse what we relay: never pass on text that would throw there.
      JSON.parse(json)
      entries.push({ clientId, clock, json })
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes')
    return entries
  } catch {
    throw protocolError('malformed awareness update')
  }
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, json)
  }
  return encoding.toUint8Array(encoder)
}

export class AwarenessStore<Owner> {
  private readonly clients = new Map<number, ClientRecord<Owner>>()
  private readonly ownedIds = new Map<Owner, Set<number>>()

  constructor(private readonly options: AwarenessStoreOptions<Owner> = {}) {}

  /**
   * Applies the entries `owner` may change and returns those that changed
   * something, to relay. An entry is taken when its client ID is `owner`'s, or
   * is owned by nobody and carries a state (then `owner` introduces it), and
   * when its clock is newer, with y-protocols' rule for equal clocks. Entries
   * for other connections' IDs are dropped silently: stock clients echo what
   * they receive.
   */
  apply(owner: Owner, entries: readonly AwarenessEntry[]): AwarenessEntry[] {
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      const record = this.clients.get(entry.clientId)
      const currentOwner = record?.owner ?? null
      if (currentOwner !== null && currentOwner !== owner) continue
      const isRemoval = entry.json === REMOVED
      const isNewer =
        record === undefined ||
        record.clock < entry.clock ||
        (record.clock === entry.clock && isRemoval && record.json !== REMOVED)
      if (!isNewer) continue
      if (currentOwner === null && (isRemoval || !this.claim(owner, entry.clientId))) continue
      this.clients.set(entry.clientId, { clock: entry.clock, json: entry.json, owner, updatedAtMs: Date.now() })
      accepted.push(entry)
    }
    return accepted
  }

  /** Removes every state `owner` controls (its connection closed) and returns the removals to relay. */
  removeOwner(owner: Owner): AwarenessEntry[] {
    const ids = this.ownedIds.get(owner)
    if (!ids) return []
    this.ownedIds.delete(owner)
    const removals: AwarenessEntry[] = []
    for (const clientId of ids) {
      const record = this.clients.get(clientId)
      if (!record) continue
      // Keep the clock (bumped, as y-protocols does) so a late echo of the old state is recognised as stale.
      const removal = { clientId, clock: record.clock + 1, json: REMOVED }
      this.clients.set(clientId, { clock: removal.clock, json: REMOVED, owner: null, updatedAtMs: Date.now() })
      if (record.json !== REMOVED) removals.push(removal)
    }
    return removals
  }

  /** Every present (non-removed, unexpired) state, for a joiner or a query-awareness message. */
  presentStates(): AwarenessEntry[] {
    return this.collect(() => true)
  }

  /** Present states of this instance's own connections (to tell other instances about). */
  localStates(): AwarenessEntry[] {
    return this.collect((owner) => owner !== this.options.remoteOwner)
  }

  private collect(include: (owner: Owner | null) => boolean): AwarenessEntry[] {
    const { remoteOwner, remoteStateTtlMs = 30_000 } = this.options
    const expiredBefore = Date.now() - remoteStateTtlMs
    const states: AwarenessEntry[] = []
    for (const [clientId, record] of this.clients) {
      if (record.json === REMOVED || !include(record.owner)) continue
      if (remoteOwner !== undefined && record.owner === remoteOwner && record.updatedAtMs < expiredBefore) continue
      states.push({ clientId, clock: record.clock, json: record.json })
    }
    return states
  }

  private claim(owner: Owner, clientId: number): boolean {
    let ids = this.ownedIds.get(owner)
    if (!ids) {
      ids = new Set()
      this.ownedIds.set(owner, ids)
    }
    if (ids.size >= MAX_CLIENT_IDS_PER_CONNECTION && owner !== this.options.remoteOwner) return false
    ids.add(clientId)
    return true
  }
}
