/**
 * The floor: a raw `ws` relay with no Yjs at all. Every binary frame is
 * forwarded, unparsed, to the other sockets of the same room (the URL path).
 * It keeps nothing, so it cannot answer a sync or a load: scenario D skips it.
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'

const port = Number(process.env.PORT)
const host = process.env.HOST ?? '127.0.0.1'
/** room name → set of sockets */
const rooms = new Map()
globalThis.__benchRooms = () => rooms.size

const server = http.createServer((_req, res) => res.end('relay'))
const wss = new WebSocketServer({ noServer: true })
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const name = (req.url ?? '/').slice(1).split('?')[0]
    let room = rooms.get(name)
    if (!room) rooms.set(name, (room = new Set()))
    room.add(ws)
    ws.on('message', (data, isBinary) => {
      for (const other of room) if (other !== ws) other.send(data, { binary: isBinary })
    })
    ws.on('close', () => {
      room.delete(ws)
      if (room.size === 0 && rooms.get(name) === room) rooms.delete(name)
    })
  })
})
process.once('SIGTERM', () => process.exit(0))
server.listen(port, host, () => process.send?.({ type: 'ready' }))
