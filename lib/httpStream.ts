/**
 * The HTTP transport's wire format, shared by the sync server and the web
 * app's engine (docs/sync-protocol.md, "The HTTP transport"): a POST body is
 * one or more y-websocket frames, each written as lib0 `writeVarUint8Array`
 * does (a varUint length, then the bytes); the stream down is Server-Sent
 * Events. Written by hand here because lib/ takes no dependencies.
 */

/** A session id as the server makes them: 16 random bytes in base64url, 22 characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

export const StreamEvent = {
  /** The first event: `{"session": "<id>"}`. */
  Session: 'session',
  /** One server frame, base64. */
  Message: 'message',
  /** The last event: `{"code": <close code>, "reason": "..."}`, then the stream ends. */
  Close: 'close',
} as const

/** The body of a POST: every frame length-prefixed, in order. */
export function encodeFrames(frames: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const parts: number[][] = []
  let size = 0
  for (const frame of frames) {
    const prefix = varUint(frame.length)
    parts.push(prefix)
    size += prefix.length + frame.length
  }
  const body = new Uint8Array(size)
  let at = 0
  frames.forEach((frame, index) => {
    body.set(parts[index], at)
    at += parts[index].length
    body.set(frame, at)
    at += frame.length
  })
  return body
}

/**
 * Splits a POST body into its frames, or null when it is not a sequence of
 * whole length-prefixed frames (a length running past the end, a length
 * over 2^32, an empty body). The frames are views into `body`, not copies.
 */
export function decodeFrames(body: Uint8Array): Uint8Array[] | null {
  if (body.length === 0) return null
  const frames: Uint8Array[] = []
  let at = 0
  while (at < body.length) {
    let length = 0
    let shift = 0
    for (;;) {
      if (at >= body.length || shift > 28) return null
      const byte = body[at++]
      length += (byte & 0x7f) * 2 ** shift
      shift += 7
      if (byte < 0x80) break
    }
    if (length > body.length - at) return null
    frames.push(body.subarray(at, at + length))
    at += length
  }
  return frames
}

function varUint(value: number): number[] {
  const bytes: number[] = []
  let rest = value
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80)
    rest = Math.floor(rest / 128)
  }
  bytes.push(rest)
  return bytes
}

export interface ServerSentEvent {
  event: string
  data: string
}

/**
 * An incremental text/event-stream parser (the WHATWG rules that matter
 * here: `event:` and `data:` fields, comments, blank line ends an event,
 * CR, LF or CRLF line ends). Feed it decoded text as it arrives.
 */
export class EventStreamParser {
  private buffer = ''
  private event = ''
  private data: string[] = []

  push(text: string): ServerSentEvent[] {
    this.buffer += text
    const events: ServerSentEvent[] = []
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer)
      // A lone CR at the very end may be the first half of a CRLF: wait for more.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break
      const line = this.buffer.slice(0, match.index)
      this.buffer = this.buffer.slice(match.index + match[0].length)
      if (line === '') {
        if (this.data.length > 0) events.push({ event: this.event || 'message', data: this.data.join('\n') })
        this.event = ''
        this.data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      let value = colon === -1 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') this.event = value
      else if (field === 'data') this.data.push(value)
    }
    return events
  }
}

/** Base64 of bytes and back, with the platform's atob/btoa (browsers and Node alike). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  const CHUNK = 0x8000
  for (let at = 0; at < bytes.length; at += CHUNK) binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK))
  return btoa(binary)
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
