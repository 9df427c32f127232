/**
 * Relays room traffic between sync server instances. One instance needs none
 * (`LocalFanout`); several share rooms through Redis (a later backend). A room
 * subscribes while it is loaded and publishes what its own clients send;
 * messages an instance published itself are never delivered back to it.
 */
export type FanoutMessage =
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'access'; sub: string; access: 'none' | 'read' | 'write' }
  | { kind: 'deleted' }

export type FanoutHandler = (message: FanoutMessage) => void

export interface Fanout {
  subscribe(docId: string, handler: FanoutHandler): Promise<void>
  unsubscribe(docId: string): Promise<void>
  publish(docId: string, message: FanoutMessage): void
  close(): Promise<void>
}
