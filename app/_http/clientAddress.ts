import { isIPv4, isIPv6 } from 'node:net'
import { peerAddressOf } from './peerAddress'

/**
 * The client address a request's throttling counts against.
 *
 * - `TRUST_PROXY` unset (0): the TCP peer (app/_http/peerAddress.ts).
 *   `X-Forwarded-For` is ignored, since anyone can send it: a spoofed one
 *   neither escapes the per-address limit nor spends someone else's.
 * - `TRUST_PROXY=N`: N reverse proxies, each appending the address it saw to
 *   `X-Forwarded-For`, stand between the clients and the app (and the app's
 *   port is reachable only through them). Counting the TCP peer as hop 0 and
 *   the header's entries from the right as hops 1, 2, …, the client is hop N:
 *   what the outermost trusted proxy saw. Entries further left were written by
 *   the client and are never read.
 *
 * IPv6 addresses count per /64, the block one subscriber usually holds, so
 * rotating through one's own block does not earn new attempts.
 */
export function clientAddress(headers: Headers, trustProxyHops: number): string | null {
  return resolveClientAddress(peerAddressOf(headers), headers.get('x-forwarded-for'), trustProxyHops)
}

/** {@link clientAddress} without the request; exported for tests. */
export function resolveClientAddress(peer: string | null, forwardedFor: string | null, trustProxyHops: number): string | null {
  const forwarded = trustProxyHops > 0 && forwardedFor ? forwardedFor.split(',').map((entry) => entry.trim()) : []
  const hops = [...forwarded, peer]
  const chosen = hops[Math.max(0, hops.length - 1 - trustProxyHops)]
  return chosen ? addressBucket(chosen) : null
}

/**
 * An address as throttling counts it: IPv4 as is, IPv6 as its /64 (an
 * IPv4-mapped one as the IPv4). Ports and brackets, as some proxies write
 * them, are dropped. Null for anything that is not an IP address.
 */
export function addressBucket(raw: string): string | null {
  let address = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  if (bracketed) address = bracketed[1]
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  address = address.replace(/%.*$/, '') // an IPv6 zone (fe80::1%eth0)
  if (isIPv4(address)) return address
  if (!isIPv6(address)) return null
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped && isIPv4(mapped[1])) return mapped[1]
  const groups = ipv6Groups(address)
  return groups ? `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64` : null
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase()
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number)
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::')
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : [])
  const left = parse(head)
  const right = parse(tail)
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 0) return null
  const groups = [...left, ...new Array<number>(tail === undefined ? 0 : missing).fill(0), ...right]
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null
}
