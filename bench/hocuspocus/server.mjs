/**
 * A plain Hocuspocus 4 server with its SQLite extension, all defaults
 * (debounce 2 s, maxDebounce 10 s, flushDelay 0, unloadImmediately), and no
 * auth hook. It lives in bench/hocuspocus/ with its own package.json because
 * @hocuspocus/server 4.x declares engines node>=22 and the root is
 * engine-strict; it runs on Node 20. Its SIGTERM handling is its own
 * (stopOnSignals: store pending documents, then exit).
 */
import path from 'node:path'
import { Server } from '@hocuspocus/server'
import { SQLite } from '@hocuspocus/extension-sqlite'

const server = new Server({
  port: Number(process.env.PORT),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database: path.join(process.env.DATA_DIR, 'hocuspocus.sqlite') })],
})
globalThis.__benchRooms = () => server.hocuspocus.getDocumentsCount()
await server.listen()
process.send?.({ type: 'ready' })
