'use client'

import { useEffect } from 'react'

const REFRESHED_KEY = 'tandem:offline-shell-refreshed'

/**
 * Installs the service worker (serviceWorker/sw.ts) that lets documents open
 * offline, in production builds only (`next dev` rebuilds what it would cache).
 * Once per browser session, while online, it asks the worker to fetch the
 * offline shell again, so the cached one follows the server's current build.
 */
export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (process.env.NODE_ENV !== 'production' || !('serviceWorker' in navigator)) return
    void navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then(async (registration) => {
        if (!navigator.onLine || sessionStorage.getItem(REFRESHED_KEY)) return
        const worker = registration.active ?? (await navigator.serviceWorker.ready).active
        worker?.postMessage('refresh-offline-shell')
        sessionStorage.setItem(REFRESHED_KEY, '1')
      })
      .catch(() => {
        // No service worker (blocked, private mode): everything works online as before.
      })
  }, [])
  return null
}
