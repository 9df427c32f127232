/**
 * G. Presence crowd (issue 11): E's presence storm with a bigger room and a
 * calmer hand: 100 clients in one room, each moving its caret 5 times a
 * second for 10 s (50,000 states sent, each to 99 receivers). The same
 * figures as E: delivery latency p95, server CPU over the window, WebSocket
 * payload bytes the server sent per second (summed at the receivers).
 */
import { run as presenceStorm } from './e-presence.mjs'

export const config = { clients: 100, perSecond: 5, seconds: 10 }

export function run(server, opts = {}) {
  return presenceStorm(server, { ...config, ...opts, label: 'G' })
}
