/** Stock y-websocket clients, exactly as a user's app would run them (ws polyfill, no BroadcastChannel). */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { defer } from './teardown'
import { eventually } from './wait'

export interface ServerAddress {
  wsUrl: string
}

export interface StockClient {
  doc: Y.Doc
  provider: WebsocketProvider
  text(name?: string): string
  /** Close events the provider saw (codes), in order. */
  closeCodes: number[]
  /** Set when the provider stopped reconnecting (a 44xx close). */
  terminal: { code: number; reason: string } | null
  waitSynced(timeoutMs?: number): Promise<void>
  destroy(): void
}

/** A stock y-websocket WebsocketProvider on a fresh Y.Doc, destroyed after the test. */
export function connectClient(
  server: ServerAddress,
  room: string,
  token: string,
  opts: { doc?: Y.Doc; awareness?: Record<string, unknown>; connect?: boolean } = {},
): StockClient {
  const doc = opts.doc ?? new Y.Doc()
  const provider = new WebsocketProvider(server.wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
    connect: opts.connect ?? true,
    maxBackoffTime: 500,
  })
  if (opts.awareness) provider.awareness.setLocalState(opts.awareness)
  const client: StockClient = {
    doc,
    provider,
    text: (name = 'text') => doc.getText(name).toString(),
    closeCodes: [],
    terminal: null,
    waitSynced: (timeoutMs = 10_000) =>
      eventually(
        () => {
          if (!provider.synced) throw new Error(`client for ${room} not synced`)
        },
        { timeoutMs },
      ),
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
  provider.on('connection-close', (event) => {
    if (event) client.closeCodes.push(event.code)
  })
  provider.on('closed', (event) => {
    client.terminal = event
  })
  defer(() => client.destroy())
  return client
}

/** Connects a stock client and waits until it has synced. */
export async function syncedClient(
  server: ServerAddress,
  room: string,
  token: string,
  opts: { doc?: Y.Doc; awareness?: Record<string, unknown> } = {},
): Promise<StockClient> {
  const client = connectClient(server, room, token, opts)
  await client.waitSynced()
  return client
}

export function textOf(doc: Y.Doc, name = 'text'): string {
  return doc.getText(name).toString()
}

/** The local clock of `doc`'s own client: what a saved ack must reach. */
export function localClock(doc: Y.Doc): number {
  return Y.getState(doc.store, doc.clientID)
}
