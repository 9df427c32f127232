/**
 * N. Live events (issue 15): 1,000 open GET /api/events streams on one web
 * app process (`next start`, SQLite, so the in-memory bus), one per user,
 * all members of one document. Figures: resident memory per open stream
 * (RSS of the web app's processes, against the same process warmed up with
 * no stream), and the time from the owner's rename (a server action over
 * HTTP) until each stream has the `document.renamed` event: median and
 * last (and how long the rename's own request took: storing the events
 * happens inside it). That one rename stores 1,000 events (one per member) and wakes
 * 1,000 streams: the whole path a share or rename takes.
 *
 * Not a sync-server scenario: it runs once per run, against the web app only.
 * The users' session cookies are minted with next-auth's own encoder and the
 * shared secret instead of 1,000 sign-ins (the stream checks them the same way).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, createWriteStream } from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { ensureWebAppBuild } from '../../scripts/buildWebApp.mjs'
import { startWebAppProcess } from '../../testkit/webAppProcess.ts'
import { HttpSession } from '../../testkit/httpSession.ts'
import { openEventStream } from '../../testkit/sseClient.ts'
import { freePort } from '../../testkit/ports.ts'
import { rssBytes } from '../lib/proc.mjs'
import { percentile } from '../lib/stats.mjs'
import { mintSessionCookie, mintSessionToken, SESSION_COOKIE } from '../lib/webSession.mjs'

export const config = { streams: 1000 }

const SECRET = 'bench-live-events-secret-0123456789abcdef'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The pid and every descendant: `next start` may run its server in a child. */
function treeRss(rootPid) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(Number(entry))
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0
  const visit = (pid) => {
    const rss = rssBytes(pid)
    if (Number.isFinite(rss)) total += rss
    for (const child of children.get(pid) ?? []) visit(child)
  }
  visit(rootPid)
  return total
}

const COOKIE = SESSION_COOKIE
const mintToken = (user) => mintSessionToken(SECRET, user)
const mintSession = (user) => mintSessionCookie(SECRET, user)

export async function run({ dataDir, streams = config.streams } = {}) {
  ensureWebAppBuild()
  mkdirSync(dataDir, { recursive: true })
  const log = createWriteStream(path.join(dataDir, 'web.log'))
  const syncPort = await freePort()
  const web = await startWebAppProcess({ env: { DATA_DIR: dataDir, AUTH_SECRET: SECRET, SYNC_PORT: String(syncPort) }, output: log })
  const open = []
  try {
    // The first request that reads the database migrates it (any session cookie will do: it is looked up);
    // then the users, one document and its members go in directly.
    await fetch(`${web.url}/api/events`, { headers: { cookie: await mintSession({ id: 'nobody', name: 'Nobody', email: 'nobody@bench.test' }) } })
    const db = new SqliteDatabase(path.join(dataDir, 'app.db'))
    db.pragma('busy_timeout = 5000')
    const now = new Date().toISOString()
    const users = Array.from({ length: streams + 1 }, (_, i) => ({ id: `bench-user-${i}`, name: `User ${i}`, email: `user-${i}@bench.test` }))
    const documentId = 'benchLiveDoc0001'
    db.transaction(() => {
      const addUser = db.prepare('insert into users (id, email, name, password_hash, created_at) values (?, ?, ?, null, ?)')
      for (const user of users) addUser.run(user.id, user.email, user.name, now)
      db.prepare('insert into documents (id, title, owner_id, created_at, updated_at) values (?, ?, ?, ?, ?)').run(documentId, 'Plan', users[0].id, now, now)
      const addMember = db.prepare('insert into memberships (document_id, user_id, role, created_at) values (?, ?, ?, ?)')
      for (const user of users.slice(1)) addMember.run(documentId, user.id, 'viewer', now)
    })()
    db.close()

    const owner = HttpSession.withCookie(web.url, COOKIE, await mintToken(users[0]))
    const rename = (title) => owner.callAction(`/d/${documentId}`, 'renameDocumentAction', [documentId, title])

    // Warm-up: one stream and one rename, so the baseline already has every module loaded and the JIT warm.
    const warm = await openEventStream(`${web.url}/api/events`, { cookie: await mintSession(users[1]) })
    await rename('Warm-up')
    await warm.waitForEvent((event) => event.event === 'document.renamed')
    warm.close()
    await sleep(1_000)
    const baseRss = treeRss(web.child.pid)

    const cookies = await Promise.all(users.slice(1).map(mintSession))
    for (let i = 0; i < cookies.length; i += 100) {
      const batch = await Promise.all(cookies.slice(i, i + 100).map((cookie) => openEventStream(`${web.url}/api/events`, { cookie })))
      open.push(...batch)
    }
    const refused = open.filter((stream) => stream.status !== 200).length
    if (refused) throw new Error(`${refused} streams were refused`)
    await Promise.all(open.map((stream) => stream.waitForEvent((event) => event.event === 'ready', { timeoutMs: 60_000 })))
    await sleep(2_000)
    const connectedRss = treeRss(web.child.pid)

    const from = open.map((stream) => stream.events.length)
    const arrivals = new Array(open.length)
    const sentAt = performance.now()
    const waits = open.map((stream, i) =>
      stream
        .waitForEvent((event) => event.event === 'document.renamed', { from: from[i], timeoutMs: 60_000 })
        .then(() => (arrivals[i] = performance.now() - sentAt)),
    )
    await rename('Plan for everyone')
    const actionMs = performance.now() - sentAt
    await Promise.all(waits)
    return {
      streams: open.length,
      actionMs,
      rssPerStreamKiB: (connectedRss - baseRss) / open.length / 1024,
      deliverP50Ms: percentile(arrivals, 50),
      deliverAllMs: Math.max(...arrivals),
    }
  } finally {
    for (const stream of open) stream.close()
    await web.stop()
    log.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
