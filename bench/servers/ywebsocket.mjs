/**
 * y-websocket 2.1.0's own server code (`bin/utils.cjs`, setupWSConnection) on
 * an http + ws server, as its bin/server.cjs does, with y-leveldb persistence
 * (YPERSISTENCE, set by the harness to a temp dir). We add only what the
 * harness needs: a room count for the probe and a SIGTERM that lets leveldb
 * finish its queued writes before exiting (its default would drop them).
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
// CommonJS: reads YPERSISTENCE when loaded, and sets up y-leveldb from it.
import utils from 'y-websocket-v2/bin/utils'

const port = Number(process.env.PORT)
const host = process.env.HOST || '127.0.0.1'
globalThis.__benchRooms = () => utils.docs.size

const server = http.createServer((_req, res) => res.end('y-websocket'))
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', (conn, req) => utils.setupWSConnection(conn, req))
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
})

process.once('SIGTERM', async () => {
  server.close()
  for (const ws of wss.clients) ws.terminate()
  const ldb = utils.getPersistence()?.provider
  // destroy() queues behind every pending leveldb transaction, then closes.
  if (ldb) await Promise.race([ldb.destroy(), new Promise((r) => setTimeout(r, 8000))])
  process.exit(0)
})
server.listen(port, host, () => process.send?.({ type: 'ready' }))
