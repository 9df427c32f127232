/**
 * W. The browser (issue 11): the production build (`next start`) with
 * Tandem's sync server, in Chromium, signed in with a minted session cookie.
 *  1. Bundle: every script the editor route (/d/<id>) loads on a first load
 *     (empty cache, until the editor is editable and the network is quiet),
 *     gzipped here at level 9 from the bytes served, per chunk and in total,
 *     against a budget of `config.budgetKB` (kB = 1,000 bytes). The sizes are
 *     exact (the same build gives the same figure on any machine), so a bundle
 *     over budget fails the run (`check`), not just a target; its figures
 *     are still reported.
 *  2. Editable editor: the time from navigation start until the editor's
 *     textbox is contenteditable and holds the whole document, for an empty
 *     document and for the automerge-paper document (its final text, one
 *     paragraph per line), each in a fresh browser context (cold cache, no
 *     local copy); reported with their ratio. Median of `config.opens`.
 *  3. The document list: / with `config.documents` documents, the time from
 *     navigation start until all of them are list items in the page.
 *  4. The local copy in the real editor (issue 12): the paper document opened
 *     once in Chromium with a profile on disk (so its local copy is written),
 *     then `config.localCopyOpens` times, each after a browser restart (cold):
 *     from the editor opening the copy's IndexedDB database (seen by an init
 *     script around indexedDB.open) until the editor shows the whole document,
 *     and the time from navigation start until then. The editor connects to
 *     the sync server only once its copy is loaded, so what it shows first is
 *     the copy. The root layout's IndexedDB warm-up is part
 *     of the page, as for every user. Each open must then show the whole document.
 * Not a sync-server scenario: it runs once per run, with Tandem's own server.
 */
import { chromium } from '@playwright/test'
import SqliteDatabase from 'better-sqlite3'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { ensureWebAppBuild } from '../../scripts/buildWebApp.mjs'
import { startWebAppProcess } from '../../testkit/webAppProcess.ts'
import { BenchClient, waitFor } from '../lib/client.mjs'
import { AUTH_SECRET, startServer } from '../lib/servers.mjs'
import { median } from '../lib/stats.mjs'
import { loadTrace } from '../lib/trace.mjs'
import { SESSION_COOKIE, mintSessionToken } from '../lib/webSession.mjs'

export const config = { budgetKB: 350, opens: 3, documents: 1000, localCopyOpens: 5 }

const SYSTEM_CHROMIUM = '/usr/bin/chromium'
// As playwright.config.ts launches it.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const USER = { id: 'bench-w-user', name: 'Bench Reader', email: 'reader@bench.test' }
const EMPTY_DOC = 'benchWEmpty0001'
const PAPER_DOC = 'benchWPaper0001'

/** The trace's final text as the editor's body: one paragraph per line (BODY_FRAGMENT of documentShape.ts). */
function paperState(text) {
  const doc = new Y.Doc()
  const lines = text.split('\n')
  doc.transact(() => {
    const body = doc.getXmlFragment('default')
    body.insert(
      0,
      lines.map((line) => {
        const paragraph = new Y.XmlElement('paragraph')
        if (line) paragraph.insert(0, [new Y.XmlText(line)])
        return paragraph
      }),
    )
  })
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return { state, paragraphs: lines.length, chars: lines.join('').length }
}

/** Puts the paper document into the sync server over its own protocol and waits until the server has all of it. */
async function seedPaper(server, state) {
  const writer = new BenchClient(server, PAPER_DOC)
  await writer.connect(60_000)
  writer.sendUpdate(state)
  const before = writer.step2Count
  writer.sendStep1(Y.encodeStateVectorFromUpdate(state))
  if (!(await waitFor(() => writer.step2Count > before, 60_000, 5))) throw new Error('W: the sync server did not acknowledge the paper document')
  await writer.close()
}

function seedDatabase(dataDir, documents) {
  const db = new SqliteDatabase(path.join(dataDir, 'app.db'))
  db.pragma('busy_timeout = 5000')
  const now = new Date().toISOString()
  db.transaction(() => {
    db.prepare('insert into users (id, email, name, password_hash, created_at, email_verified_at) values (?, ?, ?, null, ?, ?)').run(USER.id, USER.email, USER.name, now, now)
    const addDocument = db.prepare('insert into documents (id, title, owner_id, created_at, updated_at) values (?, ?, ?, ?, ?)')
    addDocument.run(EMPTY_DOC, 'Empty', USER.id, now, now)
    addDocument.run(PAPER_DOC, 'Automerge paper', USER.id, now, now)
    for (let i = 2; i < documents; i++) addDocument.run(`benchWList${String(i).padStart(5, '0')}`, `Notes ${i}`, USER.id, now, now)
  })()
  db.close()
}

/**
 * One first load of `/d/<id>` in a fresh context: the time from navigation
 * start until the editor is editable with `paragraphs` paragraphs, and every
 * script the page fetched meanwhile (until the network was quiet).
 */
async function openEditor(browser, web, cookie, documentId, paragraphs) {
  const context = await browser.newContext({ baseURL: web.url })
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: web.url }])
  const page = await context.newPage()
  const scripts = []
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.body().then((body) => ({ url: new URL(response.url()).pathname, body })))
  })
  try {
    await page.goto(`/d/${documentId}`, { waitUntil: 'commit' })
    const editableMs = await editableWith(page, paragraphs)
    await page.waitForLoadState('networkidle')
    return { editableMs, scripts: await Promise.all(scripts) }
  } finally {
    await context.close()
  }
}

/** The document list in a fresh context: navigation start until `count` documents are list items. */
async function openList(browser, web, cookie, count) {
  const context = await browser.newContext({ baseURL: web.url })
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: web.url }])
  const page = await context.newPage()
  try {
    await page.goto('/', { waitUntil: 'commit' })
    return await (
      await page.waitForFunction((n) => (document.querySelectorAll('ul[aria-label="Documents"] > li').length >= n ? performance.now() : false), count, {
        polling: 'raf',
        timeout: 120_000,
      })
    ).jsonValue()
  } finally {
    await context.close()
  }
}

/** Waits until the editor shows all `paragraphs` paragraphs and can be typed in; resolves to the page's performance.now() then. */
async function editableWith(page, paragraphs) {
  const handle = await page.waitForFunction(
    (count) => {
      const editor = document.querySelector('[aria-label="Document editor"]')
      return editor?.getAttribute('contenteditable') === 'true' && editor.childElementCount === count ? performance.now() : false
    },
    paragraphs,
    { polling: 'raf', timeout: 120_000 },
  )
  return handle.jsonValue()
}

/**
 * Phase 4: the paper document's local copy opened by the real editor in a
 * cold browser, `opens` times, each in Chromium launched afresh on one profile
 * (the first, untimed visit writes the copy). Returns each open's
 * { openMs: LocalCopy created → loaded, fromNavigationMs: navigation start → loaded }.
 */
async function openLocalCopyCold(web, cookie, paragraphs, opens) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-w-profile-'))
  const launch = async () => {
    const context = await chromium.launchPersistentContext(profile, {
      ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
      args: CHROMIUM_ARGS,
      baseURL: web.url,
    })
    await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: web.url }])
    await context.addInitScript(() => {
      const open = IDBFactory.prototype.open
      IDBFactory.prototype.open = function (name, ...rest) {
        if (String(name).startsWith('tandem-doc:') && window.__benchLocalCopyOpenedAt === undefined) window.__benchLocalCopyOpenedAt = performance.now()
        return open.call(this, name, ...rest)
      }
    })
    return context
  }
  /** Open → shown, in the page's own clock: the first indexedDB.open of a local copy, then the whole document on screen. */
  const localCopyShown = (page) =>
    page
      .waitForFunction(
        (count) => {
          const editor = document.querySelector('[aria-label="Document editor"]')
          const opened = window.__benchLocalCopyOpenedAt
          if (opened === undefined || editor?.childElementCount !== count) return false
          const now = performance.now()
          return { openMs: now - opened, fromNavigationMs: now }
        },
        paragraphs,
        { polling: 'raf', timeout: 120_000 },
      )
      .then((handle) => handle.jsonValue())
  try {
    let context = await launch()
    let page = await context.newPage()
    await page.goto(`/d/${PAPER_DOC}`)
    await editableWith(page, paragraphs)
    // "all changes saved": the server has it all and so has the local copy (written before it is sent).
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 120_000 })
    await context.close()
    const results = []
    for (let i = 0; i < opens; i++) {
      context = await launch()
      page = await context.newPage()
      await page.goto(`/d/${PAPER_DOC}`, { waitUntil: 'commit' })
      results.push(await localCopyShown(page))
      await editableWith(page, paragraphs)
      await context.close()
    }
    return results
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

/** Gzipped size of each distinct script (level 9, as a static-file server would precompress), largest first. */
function chunkSizes(scripts) {
  const byUrl = new Map()
  for (const { url, body } of scripts) byUrl.set(url, { url, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length })
  return [...byUrl.values()].sort((a, b) => b.gzipBytes - a.gzipBytes)
}

/** Why this run's figures fail the bench (a bundle over budget), or null. */
export function check(metrics) {
  if (metrics.editorJsGzipKB <= config.budgetKB) return null
  const largest = metrics.chunks.slice(0, 5).map((chunk) => `${path.basename(chunk.url)} ${chunk.gzipKB.toFixed(1)} kB`)
  return `the editor route loads ${metrics.editorJsGzipKB.toFixed(1)} kB of gzipped JavaScript, over its ${config.budgetKB} kB budget (largest: ${largest.join(', ')})`
}

export async function run({ dataDir, opens = config.opens, documents = config.documents, localCopyOpens = config.localCopyOpens } = {}) {
  ensureWebAppBuild()
  mkdirSync(dataDir, { recursive: true })
  const paper = paperState(loadTrace().finalText)
  const log = createWriteStream(path.join(dataDir, 'web.log'))
  const server = await startServer('tandem', { dataDir: path.join(dataDir, 'sync') })
  let web = null
  let browser = null
  try {
    await seedPaper(server, paper.state)
    web = await startWebAppProcess({ env: { DATA_DIR: dataDir, AUTH_SECRET, SYNC_PORT: String(server.port) }, output: log })
    const token = await mintSessionToken(AUTH_SECRET, USER)
    // The first request that reads the database migrates it; then the user and the documents go in directly.
    await fetch(`${web.url}/`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } })
    seedDatabase(dataDir, documents)
    browser = await chromium.launch({ ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}), args: CHROMIUM_ARGS })

    // One load first, not timed: `next start` compiles nothing, but its first render of each route warms its caches.
    await openEditor(browser, web, token, EMPTY_DOC, 1)
    const empty = []
    const full = []
    let firstLoad = null
    for (let i = 0; i < opens; i++) {
      const emptyOpen = await openEditor(browser, web, token, EMPTY_DOC, 1)
      firstLoad ??= emptyOpen.scripts
      empty.push(emptyOpen.editableMs)
      full.push((await openEditor(browser, web, token, PAPER_DOC, paper.paragraphs)).editableMs)
    }
    await openList(browser, web, token, documents)
    const lists = []
    for (let i = 0; i < opens; i++) lists.push(await openList(browser, web, token, documents))
    const localCopy = await openLocalCopyCold(web, token, paper.paragraphs, localCopyOpens)

    const chunks = chunkSizes(firstLoad)
    const result = {
      editorJsGzipKB: chunks.reduce((sum, chunk) => sum + chunk.gzipBytes, 0) / 1000,
      editorJsKB: chunks.reduce((sum, chunk) => sum + chunk.bytes, 0) / 1000,
      editorChunks: chunks.length,
      budgetKB: config.budgetKB,
      emptyEditableMs: median(empty),
      paperEditableMs: median(full),
      paperOverEmpty: median(full) / median(empty),
      paperChars: paper.chars,
      listDocuments: documents,
      listRenderMs: median(lists),
      localCopyColdOpenMs: median(localCopy.map((open) => open.openMs)),
      localCopyColdOpenMaxMs: Math.max(...localCopy.map((open) => open.openMs)),
      localCopyColdFromNavigationMs: median(localCopy.map((open) => open.fromNavigationMs)),
      chunks: chunks.map(({ url, bytes, gzipBytes }) => ({ url, kB: bytes / 1000, gzipKB: gzipBytes / 1000 })),
    }
    return result
  } finally {
    await browser?.close()
    await web?.stop()
    await server.stop()
    log.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
