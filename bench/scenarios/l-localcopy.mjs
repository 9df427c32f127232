/**
 * L. Issue 12's large local copy: the automerge-paper document (104,852
 * characters; the trace's 2,598 update messages of lib/trace.mjs) written into
 * a browser's local copy through the editor engine's LocalCopy (y-indexeddb),
 * then opened from IndexedDB again, in Chromium with a profile on disk:
 *  1. write: every update message through an open local copy, then a pause
 *     for y-indexeddb to fold its rows;
 *  2. `coldOpens` times: close the browser, launch it again on the same
 *     profile, and time the first open (cold: nothing of it in memory, the
 *     browser's IndexedDB store opened afresh, the page's code not yet compiled);
 *  3. open it `opens` more times in the last browser, each in a new page (warm);
 *  4. read its rows with plain IndexedDB, no Yjs, `opens` times: how much of
 *     an open is IndexedDB and how much is Yjs applying the state.
 * An open is timed from creating the Y.Doc and LocalCopy until LocalCopy says
 * it is loaded (the moment the editor shows the document); each must hold the
 * trace's whole text. Each open also says how long it waited for the state
 * (IndexedDB) and how long Yjs took to apply it. Tandem only, and no sync
 * server: the browser's side. The open starts as soon as the page has loaded,
 * so the page's IndexedDB warm-up (the web app's, in its head) has little time
 * to help: the engine's worst case. Bench W times the same open in the real
 * editor after a browser restart.
 */
import { chromium } from '@playwright/test'
import { buildSync } from 'esbuild'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { INDEXEDDB_WARM_UP_SCRIPT } from '../../components/offline/indexedDbWarmUp.ts'
import { freePort } from '../../testkit/ports.ts'
import { loadTrace } from '../lib/trace.mjs'
import { REPO_ROOT } from '../lib/servers.mjs'
import { median } from '../lib/stats.mjs'

export const config = { coldOpens: 5, opens: 5, targetMs: 300 }
/** Measures the browser, not a server: run.mjs runs it once per run, under Tandem's column. */
export const tandemOnly = true

const SYSTEM_CHROMIUM = '/usr/bin/chromium'

function bundlePage(dir) {
  const outfile = path.join(dir, 'page.js')
  buildSync({
    entryPoints: [path.join(REPO_ROOT, 'bench/browser/localCopyPage.ts')],
    outfile,
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  })
  return readFileSync(outfile)
}

function encodeUpdates(updates) {
  const size = 4 + updates.reduce((sum, u) => sum + 4 + u.length, 0)
  const out = Buffer.alloc(size)
  out.writeUInt32LE(updates.length, 0)
  let offset = 4
  for (const update of updates) {
    out.writeUInt32LE(update.length, offset)
    out.set(update, offset + 4)
    offset += 4 + update.length
  }
  return out
}

/** A one-origin site for the page: IndexedDB needs a real origin. */
async function serve(files) {
  const port = await freePort()
  const server = http.createServer((request, response) => {
    const file = files[new URL(request.url, 'http://x').pathname]
    if (!file) return response.writeHead(404).end()
    response.writeHead(200, { 'content-type': file.type }).end(file.body)
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) }
}

export async function run() {
  const trace = loadTrace()
  // The bundle goes to a temp dir, not bench/.out/: ESLint would read it there.
  const work = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-l-page-'))
  const site = await serve({
    // The page's head holds the web app's IndexedDB warm-up, as every page of the app does.
    '/': { type: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>L</title><script>${INDEXEDDB_WARM_UP_SCRIPT}</script><script src="/page.js"></script>` },
    '/page.js': { type: 'text/javascript', body: bundlePage(work) },
    '/trace.bin': { type: 'application/octet-stream', body: encodeUpdates(trace.updates) },
  })
  const profile = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-l-'))
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    })
  const inNewPage = async (context, what) => {
    const page = await context.newPage()
    await page.goto(site.url)
    const result = await page.evaluate((name) => window.benchLocalCopy[name](), what)
    await page.close()
    return result
  }
  try {
    let context = await launch()
    const written = await inNewPage(context, 'write')
    if (written.chars !== trace.finalText.length) throw new Error(`L: wrote ${written.chars} chars, not ${trace.finalText.length}`)
    await context.close()

    const openChecked = async (what) => {
      const opened = await inNewPage(context, 'open')
      if (opened.chars !== trace.finalText.length) throw new Error(`L: ${what} open had ${opened.chars} chars, not ${trace.finalText.length}`)
      return opened
    }
    const cold = []
    for (let i = 0; i < config.coldOpens; i++) {
      if (i > 0) await context.close()
      context = await launch()
      cold.push(await openChecked(`cold open ${i + 1}`))
    }
    const warm = []
    for (let i = 0; i < config.opens; i++) warm.push(await openChecked(`warm open ${i + 1}`))
    const reads = []
    for (let i = 0; i < config.opens; i++) reads.push(await inNewPage(context, 'readRows'))
    await context.close()
    const ms = (opens, part = 'ms') => opens.map((open) => open[part])
    return {
      coldOpenMs: median(ms(cold)),
      coldOpenMaxMs: Math.max(...ms(cold)),
      coldBeforeApplyMs: median(ms(cold, 'beforeApplyMs')),
      coldApplyMs: median(ms(cold, 'applyMs')),
      warmOpenMs: median(ms(warm)),
      warmOpenMaxMs: Math.max(...ms(warm)),
      warmApplyMs: median(ms(warm, 'applyMs')),
      rowsReadMs: median(reads.map((read) => read.ms)),
      storedKiB: reads[0].bytes / 1024,
      storedRows: written.rows,
    }
  } finally {
    await site.close()
    rmSync(profile, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  }
}
