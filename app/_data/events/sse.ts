import type { LiveEvent } from '@/lib/liveEvents'

/**
 * The text/event-stream wire format (WHATWG HTML, "Server-sent events"):
 * fields one per line, a blank line ends an event, a line starting with ':'
 * is a comment that clients ignore (our heartbeat).
 */

/** How often a comment line keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000

/** How long a browser waits before reconnecting after the stream drops. */
export const RETRY_MS = 3_000

export const HEARTBEAT = ': heartbeat\n\n'

/**
 * The first bytes: the retry delay and a `ready` event (no id). A browser
 * cannot see comments, so `ready` is how it knows bytes really flow: behind
 * a proxy that buffers the response it never arrives, and the page polls.
 */
export const PREAMBLE = `retry: ${RETRY_MS}\nevent: ready\ndata: {}\n\n`

/** JSON.stringify never emits a raw newline, so `data` is always one line. */
export function formatEvent(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`
}

/** Sent, without an id, just before the server closes a stream whose session ended. */
export const SESSION_ENDED = 'event: session-ended\ndata: {}\n\n'

/**
 * `Last-Event-ID` (or `?after=` on the first connection, which EventSource
 * cannot give headers to): a non-negative integer, else null (start from now).
 */
export function parseEventId(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null
  const text = value.trim()
  if (!/^\d{1,15}$/.test(text)) return null
  return Number(text)
}
