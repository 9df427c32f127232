import { subscribe } from 'node:diagnostics_channel'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

/**
 * The TCP peer's address, as a request header only this process can set.
 *
 * Route handlers and server actions never see the socket, and `next start`
 * only fills in `X-Forwarded-For` from it when the client sent none, so that
 * header is whatever a client wants it to be. Node publishes every incoming
 * request on the `http.server.request.start` diagnostics channel before the
 * server's `request` event, that is, before Next.js reads it; there we
 * overwrite {@link PEER_ADDRESS_HEADER} with the socket's address, so a client
 * sending one has no effect. Installed once at start by `instrumentation.ts`.
 *
 * (No `server-only` marker: instrumentation.ts loads this outside React's server build.)
 */
export const PEER_ADDRESS_HEADER = 'x-tandem-peer-address'

const INSTALLED = Symbol.for('tandem.peerAddressHook')
type Marked = typeof globalThis & { [INSTALLED]?: true }

export function installPeerAddressHook(): void {
  const global = globalThis as Marked
  if (global[INSTALLED]) return
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket }
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? ''
  })
  global[INSTALLED] = true
}

/**
 * The peer address of a request, or null when the hook is not installed
 * (then the header, if any, came from the client and means nothing).
 */
export function peerAddressOf(headers: Headers): string | null {
  if (!(globalThis as Marked)[INSTALLED]) return null
  return headers.get(PEER_ADDRESS_HEADER) || null
}
