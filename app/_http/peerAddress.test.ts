import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { installPeerAddressHook, PEER_ADDRESS_HEADER, peerAddressOf } from './peerAddress'

describe('the peer-address header', () => {
  let server: Server | undefined
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

  /** A real HTTP server that answers with the headers its handler saw, as Next.js would read them. */
  async function headersSeenByHandler(sent: Record<string, string>): Promise<Headers> {
    server = createServer((request, response) => response.end(JSON.stringify(request.headers)))
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: sent })
    return new Headers(Object.entries((await response.json()) as Record<string, string>))
  }

  it('means nothing until the hook is installed, then always carries the socket address', async () => {
    const forged = { [PEER_ADDRESS_HEADER]: '198.51.100.66', 'x-forwarded-for': '198.51.100.66' }
    expect(peerAddressOf(new Headers(forged))).toBeNull()

    installPeerAddressHook()
    installPeerAddressHook() // idempotent: one subscriber
    const seen = await headersSeenByHandler(forged)
    expect(seen.get(PEER_ADDRESS_HEADER)).toBe('127.0.0.1')
    expect(peerAddressOf(seen)).toBe('127.0.0.1')
  })
})
