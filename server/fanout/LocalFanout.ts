import type { Fanout } from './Fanout'

/** The single-instance fan-out: there is nobody else to tell. */
export class LocalFanout implements Fanout {
  readonly shared = false
  async subscribe(): Promise<void> {}
  async unsubscribe(): Promise<void> {}
  publish(): void {}
  onReconnect(): void {}
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
