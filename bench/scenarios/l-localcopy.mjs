/**
 * L. Issue 12's large local copy: the automerge-paper document (104,852
 * characters; the trace's 2,598 update messages of lib/trace.mjs) written into
 * a browser's local copy through the editor engine's LocalCopy (y-indexeddb),
 * then opened from IndexedDB again, in Chromium with a profile on disk:
 *  1. write: every update message through an open local copy, then a pause
 *     for y-indexeddb to fold its rows;
 *  2. close the browser, launch it again on the same profile, and time the
 *     first open (cold: nothing of it in memory);
 *  3. open it `opens` more times, each in a new page (warm);
 *  4. read its rows with plain IndexedDB, no Yjs, `opens` times: how much of
 *     an open is IndexedDB and how much is Yjs applying the state.
 * An open is timed from creating the Y.Doc and LocalCopy until LocalCopy says
 * it is loaded (the moment the editor shows the document); each must hold the
 * trace's whole text. Tandem only, and no sync server: the browser's side.
 */
import { chromium } from '@playwright/test'
import { buildSync } from 'esbuild'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../../testkit/ports.ts'
import { loadTrace } from '../lib/trace.mjs'
import { REPO_ROOT } from '../lib/servers.mjs'
import { median } from '../lib/stats.mjs'

export const config = { opens: 5, targetMs: 300 }
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
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>L</title><script src="/page.js"></script>' },
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

    context = await launch()
    const opens = []
    for (let i = 0; i <= config.opens; i++) {
      const opened = await inNewPage(context, 'open')
      if (opened.chars !== trace.finalText.length) throw new Error(`L: open ${i + 1} had ${opened.chars} chars, not ${trace.finalText.length}`)
      opens.push(opened)
    }
    const reads = []
    for (let i = 0; i < config.opens; i++) reads.push(await inNewPage(context, 'readRows'))
    await context.close()
    const [cold, ...warm] = opens
    return {
      coldOpenMs: cold.ms,
      coldBeforeApplyMs: cold.beforeApplyMs,
      coldApplyMs: cold.applyMs,
      warmOpenMs: median(warm.map((open) => open.ms)),
      warmOpenMaxMs: Math.max(...warm.map((open) => open.ms)),
      warmApplyMs: median(warm.map((open) => open.applyMs)),
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
