/**
 * Requests sent byte for byte over a plain TCP socket. Every HTTP and
 * WebSocket client normalises a target such as `/../etc` to `/etc` before
 * sending it; the server must judge the target exactly as sent, so the tests
 * that prove it cannot use one.
 */
import net from 'node:net'

/** Sends `request` as is to 127.0.0.1:`port` and resolves with the status code of the answer's first line. */
export function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      const lineEnd = received.indexOf('\r\n')
      if (lineEnd === -1) return
      socket.destroy()
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(received.slice(0, lineEnd))
      if (match) resolve(Number(match[1]))
      else reject(new Error(`not an HTTP status line: ${received.slice(0, lineEnd)}`))
    })
    socket.on('error', reject)
    socket.on('close', () => reject(new Error(`closed before a status line: ${JSON.stringify(received)}`)))
  })
}

/** A WebSocket upgrade of `target`, as sent; resolves with the status (101 when it opened). */
export const rawUpgrade = (port: number, target: string) =>
  rawStatus(
    port,
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  )

/** A bodiless `method` request of `target`, as sent, with a bearer token when given. */
export const rawRequest = (port: number, method: string, target: string, token?: string) =>
  rawStatus(
    port,
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n` +
      (token ? `Authorization: Bearer ${token}\r\n` : '') +
      '\r\n',
  )
