/// <reference lib="webworker" />
import { CacheFirst, ExpirationPlugin, NetworkOnly, Serwist } from 'serwist'

/**
 * Tandem's service worker (built to public/sw.js by scripts/buildServiceWorker.mjs).
 * It lets a browser open the app without a network:
 *
 * - Navigations always go to the server first; only when it cannot be reached
 *   does the page become the cached offline shell (`/offline`), which shows the
 *   document list or the editor from this browser's local copies, or says the
 *   page needs the network. Signed-in pages are never cached: they carry one
 *   user's data, and the next person on this browser must not get them.
 * - The shell and the build's static files it loads are cached when the worker
 *   installs and again when a page asks (once per browser session), so the
 *   cached shell follows new builds. Other static files are cached as they load.
 * - Everything else (API routes, server actions, the sync server) is left to
 *   the network.
 */
declare const self: ServiceWorkerGlobalScope

const SHELL_URL = '/offline'
const SHELL_CACHE = 'tandem-shell-v1'
const STATIC_CACHE = 'tandem-static-v1'
const KEPT_CACHES = new Set([SHELL_CACHE, STATIC_CACHE])

/** The build's hashed files the shell's HTML names (scripts, styles, and the chunks in its inline flight data). */
function shellAssets(html: string): string[] {
  const found = new Set<string>()
  for (const [match] of html.matchAll(/(?:\/_next\/)?static\/(?:chunks|css|media)\/[^"'\\\s)]+/g)) {
    found.add(match.startsWith('/_next/') ? match : `/_next/${match}`)
  }
  return [...found]
}

/** Fetches the shell (with no cookies: it must hold no one's data) and everything it loads, then swaps it in. */
async function cacheShell(): Promise<void> {
  const response = await fetch(SHELL_URL, { credentials: 'omit', cache: 'no-store' })
  if (!response.ok) throw new Error(`offline shell: HTTP ${response.status}`)
  const html = await response.clone().text()
  const assets = await caches.open(STATIC_CACHE)
  await Promise.all(
    shellAssets(html).map(async (url) => {
      if (!(await assets.match(url))) await assets.add(url)
    }),
  )
  // Only now: a shell whose scripts are not all cached would be a blank page.
  await (await caches.open(SHELL_CACHE)).put(SHELL_URL, response)
}

async function offlineShell(): Promise<Response> {
  const cached = await (await caches.open(SHELL_CACHE)).match(SHELL_URL)
  return (
    cached ??
    new Response('<!doctype html><title>Offline</title><h1>This page needs the network</h1><p>You are offline.</p>', {
      status: 503,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    })
  )
}

const serwist = new Serwist({
  skipWaiting: true,
  clientsClaim: true,
  runtimeCaching: [
    {
      // Content-hashed: a cached copy is always right.
      matcher: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/_next/static/'),
      handler: new CacheFirst({ cacheName: STATIC_CACHE, plugins: [new ExpirationPlugin({ maxEntries: 400, maxAgeSeconds: 30 * 24 * 3600 })] }),
    },
    {
      matcher: ({ request, sameOrigin }) => sameOrigin && request.mode === 'navigate',
      handler: new NetworkOnly({ plugins: [{ handlerDidError: () => offlineShell() }] }),
    },
  ],
})

self.addEventListener('install', (event) => {
  // A failure (the server went away mid-install) leaves the worker working online; the next page asks again.
  event.waitUntil(cacheShell().catch(() => {}))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names.filter((name) => !KEPT_CACHES.has(name)).map((name) => caches.delete(name)))))
})

self.addEventListener('message', (event) => {
  if (event.data === 'refresh-offline-shell') event.waitUntil(cacheShell().catch(() => {}))
})

serwist.addEventListeners()
