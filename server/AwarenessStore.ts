/**
 * A room's presence states, with who owns each client ID.
 *
 * We keep awareness ourselves instead of using y-protocols' `Awareness` class:
 * that class runs a timer per instance and parses every state, while the server
 * only needs to (1) know which connection introduced which client ID, so one
 * user can neither erase nor impersonate another's presence (docs/sync-protocol.md,
 * "Presence"), and (2) keep each state's JSON text to hand to joiners.
 * The wire format is y-protocols' awareness update:
 * `count, (clientID, clock, JSON state)*`, with state `null` meaning removed.
 *
 * Memory is bounded: each connection owns at most `maxClientsPerOwner` IDs,
 * each state is at most MAX_AWARENESS_BYTES (checked when decoding), and
 * what is left of a closed connection's IDs (their last clock, to recognise a
 * late echo as stale) is kept only for a while and only for so many IDs.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { CloseCode } from '../lib/closeCodes'
import { SyncError, protocolError } from './SyncError'

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The state as JSON text; `'null'` for a removed state. */
  json: string
}

/** An entry as decoded from a peer: its state parsed once, for the identity check (room/presenceIdentity.ts). */
export interface DecodedAwarenessEntry extends AwarenessEntry {
  state: unknown
}

interface ClientRecord<Owner> {
  clock: number
  json: string
  owner: Owner
  updatedAtMs: number
}

/** What is kept of a client ID whose owner is gone: its last clock, and since when. */
interface ReleasedRecord {
  clock: number
  releasedAtMs: number
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
  /** How many client IDs one (local) owner may introduce; one more is refused with 1008. */
  maxClientsPerOwner?: number
}

const REMOVED = 'null'

/** The default of MAX_AWARENESS_CLIENTS: a tab needs one client ID; a few allow for odd clients. */
export const DEFAULT_MAX_AWARENESS_CLIENTS = 4
/** The default of MAX_AWARENESS_BYTES: a name, a colour and a caret take a few hundred bytes. */
export const DEFAULT_MAX_AWARENESS_BYTES = 16_384

/**
 * How long the last clock of a released client ID is kept. Stock clients drop
 * a state they have not heard of for 30 s (y-protocols' outdated timeout), so
 * after that nobody still holds the old state to echo it back.
 */
export const RELEASED_TTL_MS = 30_000
/** At most this many released client IDs are remembered per room, oldest forgotten first. */
export const MAX_RELEASED_IDS = 1_000

/**
 * Parses an awareness update, validating every state as JSON. Throws 1002 when
 * malformed, 1009 when one state's JSON is over `maxStateBytes` (UTF-8), read
 * off its length prefix before the text is decoded.
 */
export function decodeAwarenessUpdate(update: Uint8Array, maxStateBytes = Infinity): AwarenessEntry[] {
  return readEntries(update, maxStateBytes, false)
}

/** As {@link decodeAwarenessUpdate}, keeping each parsed state (so it is parsed once, not twice). */
export function decodeAwarenessWithStates(update: Uint8Array, maxStateBytes = Infinity): DecodedAwarenessEntry[] {
  return readEntries(update, maxStateBytes, true) as DecodedAwarenessEntry[]
}

function readEntries(update: Uint8Array, maxStateBytes: number, keepState: boolean): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      if (decoding.peekVarUint(decoder) > maxStateBytes) {
        throw new SyncError(CloseCode.TooBig, `presence state over ${maxStateBytes} bytes`)
      }
      const json = decoding.readVarString(decoder)
      // Stock clients JSON.parse what we relay: never pass on text that would throw there.
      const state: unknown = JSON.parse(json)
      entries.push(keepState ? ({ clientId, clock, json, state } as DecodedAwarenessEntry) : { clientId, clock, json })
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes')
    return entries
  } catch (error) {
    if (error instanceof SyncError) throw error
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
  /** Released client IDs, oldest release first (a Map keeps insertion order). */
  private readonly released = new Map<number, ReleasedRecord>()

  constructor(private readonly options: AwarenessStoreOptions<Owner> = {}) {}

  /**
   * Applies the entries `owner` may change and returns those that changed
   * something, to relay. An entry is taken when its client ID is `owner`'s, or
   * is owned by nobody and carries a state (then `owner` introduces it), and
   * when its clock is newer, with y-protocols' rule for equal clocks. Entries
   * for other connections' IDs are dropped silently: stock clients echo what
   * they receive.
   *
   * `prepare` sees each entry about to be taken and may replace it (the room
   * binds it to the owner's identity) or throw. Nothing is changed unless the
   * whole message is taken: introducing more IDs than allowed throws 1008 first.
   */
  apply<E extends AwarenessEntry>(owner: Owner, entries: readonly E[], prepare: (entry: E) => AwarenessEntry = (entry) => entry): AwarenessEntry[] {
    const now = Date.now()
    this.forgetReleasedBefore(now - RELEASED_TTL_MS)
    const isRemote = this.options.remoteOwner !== undefined && owner === this.options.remoteOwner
    const maxClients = this.options.maxClientsPerOwner ?? DEFAULT_MAX_AWARENESS_CLIENTS
    const owned = this.ownedIds.get(owner)
    // Decided first, applied after: a refused message changes nothing.
    const taken = new Map<number, AwarenessEntry>()
    let introduced = 0
    for (const entry of entries) {
      const pending = taken.get(entry.clientId)
      const record = this.clients.get(entry.clientId)
      if (record && record.owner !== owner) continue
      const current = pending ?? record ?? this.released.get(entry.clientId)
      const currentJson = pending?.json ?? record?.json ?? REMOVED
      const isRemoval = entry.json === REMOVED
      const isNewer =
        current === undefined || current.clock < entry.clock || (current.clock === entry.clock && isRemoval && currentJson !== REMOVED)
      if (!isNewer) continue
      const isIntroduction = !record && !pending
      if (isIntroduction) {
        if (isRemoval) continue
        if (!isRemote && (owned?.size ?? 0) + introduced >= maxClients) {
          throw new SyncError(CloseCode.PolicyViolation, `more than ${maxClients} presence client IDs on one connection`)
        }
        introduced++
      }
      taken.set(entry.clientId, prepare(entry))
    }
    const accepted: AwarenessEntry[] = []
    for (const entry of taken.values()) {
      accepted.push(entry)
      if (isRemote && entry.json === REMOVED) {
        // Nobody here will set it again: keep only what recognises a stale echo.
        this.release(entry.clientId, entry.clock, now)
        continue
      }
      if (!this.clients.has(entry.clientId)) this.claim(owner, entry.clientId)
      this.clients.set(entry.clientId, { clock: entry.clock, json: entry.json, owner, updatedAtMs: now })
    }
    return accepted
  }

  /** Removes every state `owner` controls (its connection closed) and returns the removals to relay. */
  removeOwner(owner: Owner): AwarenessEntry[] {
    const ids = this.ownedIds.get(owner)
    if (!ids) return []
    this.ownedIds.delete(owner)
    const now = Date.now()
    const removals: AwarenessEntry[] = []
    for (const clientId of ids) {
      const record = this.clients.get(clientId)
      if (!record) continue
      // Keep the clock (bumped, as y-protocols does) so a late echo of the old state is recognised as stale.
      const removal = { clientId, clock: record.clock + 1, json: REMOVED }
      this.release(clientId, removal.clock, now)
      if (record.json !== REMOVED) removals.push(removal)
    }
    this.forgetReleasedBefore(now - RELEASED_TTL_MS)
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

  /** How many client IDs have a record (owned, or released and remembered): bounded, for the tests. */
  get recordCount(): { owned: number; released: number } {
    return { owned: this.clients.size, released: this.released.size }
  }

  private collect(include: (owner: Owner) => boolean): AwarenessEntry[] {
    const { remoteOwner, remoteStateTtlMs = 30_000 } = this.options
    const now = Date.now()
    const expiredBefore = now - remoteStateTtlMs
    const states: AwarenessEntry[] = []
    for (const [clientId, record] of this.clients) {
      if (remoteOwner !== undefined && record.owner === remoteOwner && record.updatedAtMs < expiredBefore) {
        // Its instance went quiet about it (or died): free it.
        this.release(clientId, record.clock, now)
        continue
      }
      if (record.json === REMOVED || !include(record.owner)) continue
      states.push({ clientId, clock: record.clock, json: record.json })
    }
    return states
  }

  /** Drops the state of `clientId` and remembers only its last clock. */
  private release(clientId: number, clock: number, now: number): void {
    const record = this.clients.get(clientId)
    if (record) {
      this.clients.delete(clientId)
      const ids = this.ownedIds.get(record.owner)
      ids?.delete(clientId)
      if (ids && ids.size === 0) this.ownedIds.delete(record.owner)
    }
    // Re-inserted, so the map stays ordered by release time.
    this.released.delete(clientId)
    this.released.set(clientId, { clock, releasedAtMs: now })
    if (this.released.size > MAX_RELEASED_IDS) this.released.delete(this.released.keys().next().value!)
  }

  private forgetReleasedBefore(cutoffMs: number): void {
    for (const [clientId, record] of this.released) {
      if (record.releasedAtMs >= cutoffMs) return
      this.released.delete(clientId)
    }
  }

  private claim(owner: Owner, clientId: number): void {
    this.released.delete(clientId)
    let ids = this.ownedIds.get(owner)
    if (!ids) {
      ids = new Set()
      this.ownedIds.set(owner, ids)
    }
    ids.add(clientId)
  }
}
