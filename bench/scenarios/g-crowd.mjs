/**
 * G. Presence crowd (issue 11): E's presence storm with a bigger room and a
 * calmer hand: 100 clients in one room, each moving its caret 5 times a
 * second for 10 s (50,000 states sent, each to 99 receivers). The same
 * figures as E: delivery latency p95, server CPU over the window, WebSocket
 * payload bytes the server sent per second (summed at the receivers).
 *
 * Unlike E, each state's `user` carries `id: 'bench'`, the subject of the
 * bench's tokens, as Tandem's editor sends its token's id: Tandem binds
 * presence to the token (docs/sync-protocol.md, "Presence") and would
 * otherwise add the 13 bytes itself, to every state it relays. Every server
 * gets the same states.
 */
import { run as presenceStorm } from './e-presence.mjs'

export const config = { clients: 100, perSecond: 5, seconds: 10 }

export function run(server, opts = {}) {
  return presenceStorm(server, { ...config, ...opts, label: 'G', userId: 'bench' })
}
