/**
 * S. Search (issue 19): 10,000 documents of about a page each (400 words) in
 * the web app's SQLite index, a third owned by the searcher, a third shared
 * with them, a third not theirs; then GET /api/search over HTTP on one
 * `next start` process, one query at a time: single common words, rare
 * words, prefixes and two-word queries. Figures: the median and 95th
 * percentile of the whole request (routing, session, the FTS5 query with its
 * access check, snippets, JSON), and how long filling the index took.
 *
 * Not a sync-server scenario: it runs once per run, against the web app
 * only. The documents go into the database directly, as the indexer would
 * write them; the index's own triggers fill FTS5.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { ensureWebAppBuild } from '../../scripts/buildWebApp.mjs'
import { startWebAppProcess } from '../../testkit/webAppProcess.ts'
import { freePort } from '../../testkit/ports.ts'
import { percentile } from '../lib/stats.mjs'
import { mintSessionCookie } from '../lib/webSession.mjs'

export const config = { documents: 10_000, wordsPerDocument: 400, queries: 200 }

const SECRET = 'bench-search-secret-0123456789abcdef0123'

/** A deterministic vocabulary with a long tail, as real text has: a few words everywhere, most rare. */
function vocabulary(size) {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'be', 'da', 'fe', 'gu', 'ho', 'ji', 'pe', 'zu']
  return Array.from({ length: size }, (_, i) => {
    let word = ''
    for (let n = i + 1; n > 0; n = Math.floor(n / syllables.length)) word += syllables[n % syllables.length]
    return word
  })
}

/** Zipf-like choice: word i with weight 1/(i+1), by a seeded generator. */
function makeText(words, count, random) {
  const out = []
  for (let i = 0; i < count; i++) out.push(words[Math.min(words.length - 1, Math.floor(Math.exp(random() * Math.log(words.length)) - 1))])
  return out.join(' ')
}

function seeded(seed) {
  let state = seed >>> 0
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

export async function run({ dataDir, documents = config.documents, wordsPerDocument = config.wordsPerDocument, queries = config.queries } = {}) {
  ensureWebAppBuild()
  mkdirSync(dataDir, { recursive: true })
  const log = createWriteStream(path.join(dataDir, 'web.log'))
  // No sync server: every document is indexed already, so the indexer has nothing to read.
  const syncPort = await freePort()
  const web = await startWebAppProcess({ env: { DATA_DIR: dataDir, AUTH_SECRET: SECRET, SYNC_PORT: String(syncPort) }, output: log })
  try {
    const searcher = { id: 'bench-searcher', name: 'Searcher', email: 'searcher@bench.test' }
    const other = { id: 'bench-other', name: 'Other', email: 'other@bench.test' }
    const cookie = await mintSessionCookie(SECRET, searcher)
    // The first request that reads the database migrates it.
    await fetch(`${web.url}/api/search?q=warm`, { headers: { cookie } })

    const words = vocabulary(20_000)
    const random = seeded(19)
    const db = new SqliteDatabase(path.join(dataDir, 'app.db'))
    db.pragma('busy_timeout = 5000')
    const fillStarted = performance.now()
    const now = new Date().toISOString()
    db.transaction(() => {
      const addUser = db.prepare('insert into users (id, email, name, password_hash, created_at) values (?, ?, ?, null, ?)')
      for (const user of [searcher, other]) addUser.run(user.id, user.email, user.name, now)
      const addDocument = db.prepare('insert into documents (id, title, owner_id, created_at, updated_at) values (?, ?, ?, ?, ?)')
      const addMember = db.prepare('insert into memberships (document_id, user_id, role, created_at) values (?, ?, ?, ?)')
      const addEntry = db.prepare('insert into search_documents (document_id, title, body, indexed_at) values (?, ?, ?, ?)')
      for (let i = 0; i < documents; i++) {
        const id = `benchSearch${String(i).padStart(5, '0')}`
        const title = makeText(words, 4, random)
        addDocument.run(id, title, i % 3 === 0 ? searcher.id : other.id, now, now)
        if (i % 3 === 1) addMember.run(id, searcher.id, 'viewer', now)
        addEntry.run(id, title, makeText(words, wordsPerDocument, random), now)
      }
    })()
    db.close()
    const fillMs = performance.now() - fillStarted
    // The fill blocked this event loop for seconds, longer than the web app
    // keeps an idle connection open: let fetch see that close before the next
    // request, or it reuses the dead socket ("fetch failed: other side closed").
    await new Promise((resolve) => setTimeout(resolve, 200))

    // Common, mid and rare words, prefixes of them, and pairs.
    const pick = (from, to) => words[from + Math.floor(random() * (to - from))]
    const queryList = Array.from({ length: queries }, (_, i) => {
      switch (i % 4) {
        case 0:
          return pick(0, 20)
        case 1:
          return pick(200, 2_000)
        case 2:
          return pick(2_000, 20_000).slice(0, 3)
        default:
          return `${pick(0, 200)} ${pick(200, 5_000)}`
      }
    })
    const search = async (q) => {
      const response = await fetch(`${web.url}/api/search?q=${encodeURIComponent(q)}`, { headers: { cookie } })
      if (!response.ok) throw new Error(`GET /api/search answered ${response.status}`)
      return (await response.json()).results.length
    }
    for (const q of queryList.slice(0, 20)) await search(q) // warm-up: modules loaded, JIT and page cache warm
    const latencies = []
    let hits = 0
    for (const q of queryList) {
      const started = performance.now()
      hits += await search(q)
      latencies.push(performance.now() - started)
    }
    return {
      documents,
      fillS: fillMs / 1000,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      meanResults: hits / queryList.length,
    }
  } finally {
    await web.stop()
    log.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
