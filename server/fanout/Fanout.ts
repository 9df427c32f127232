/**
 * Relays room traffic between sync server instances. One instance needs none
 * (`LocalFanout`); several share rooms through Redis (`RedisFanout`). A room
 * subscribes while it is loaded and publishes what its own clients send;
 * messages an instance published itself are never delivered back to it.
 */
import type { LiveAccess } from '../../lib/access'

export type FanoutMessage =
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'access'; sub: string; access: LiveAccess }
  | { kind: 'deleted' }
  /** "Here is my state vector: send me what I lack." Sent when a room loads and after a reconnect. */
  | { kind: 'sync-request'; stateVector: Uint8Array }
  /** "The store now holds this" (a state vector): this instance stored a batch of the room's writes. */
  | { kind: 'stored'; stateVector: Uint8Array }

/** What the room itself handles (room/CrossInstance.ts). */
export type RoomTrafficMessage = Extract<FanoutMessage, { kind: 'update' | 'awareness' | 'sync-request' | 'stored' }>

/** Operations on the document as a whole, owned by documents.ts. */
export type DocumentMessage = Extract<FanoutMessage, { kind: 'access' | 'deleted' }>

export type FanoutHandler = (message: FanoutMessage) => void

export interface Fanout {
  /** False for the single-instance no-op, so rooms skip encoding what nobody would receive. */
  readonly shared: boolean
  subscribe(docId: string, handler: FanoutHandler): Promise<void>
  unsubscribe(docId: string): Promise<void>
  /** Fire and forget: a message lost while the relay is down is recovered by resync (`onReconnect`). */
  publish(docId: string, message: FanoutMessage): void
  /** Called after the relay comes back from an outage, when messages may have been lost. */
  onReconnect(listener: () => void): void
  /** Resolves when the relay answers; rejects with why it cannot (for /healthz). */
  ping(): Promise<void>
  close(): Promise<void>
}
