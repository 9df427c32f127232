import type { Fanout } from './Fanout'

/** The single-instance fan-out: there is nobody else to tell. */
export class LocalFanout implements Fanout {
  async subscribe(): Promise<void> {}
  async unsubscribe(): Promise<void> {}
  publish(): void {}
  async close(): Promise<void> {}
}
