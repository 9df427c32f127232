/** What the session wants to hear from the browser window. */
export interface BrowserSignalHandlers {
  /** The tab regained focus. */
  focus: () => void
  /** The browser says the network is gone. */
  offline: () => void
  /** The browser says the network is back. */
  online: () => void
}

/**
 * Listens to the window's focus and network events; returns the function that
 * stops listening. Without a window (Node tests, server rendering) it does nothing.
 */
export function listenToBrowser(handlers: BrowserSignalHandlers): () => void {
  if (typeof window === 'undefined') return () => {}
  window.addEventListener('focus', handlers.focus)
  window.addEventListener('offline', handlers.offline)
  window.addEventListener('online', handlers.online)
  return () => {
    window.removeEventListener('focus', handlers.focus)
    window.removeEventListener('offline', handlers.offline)
    window.removeEventListener('online', handlers.online)
  }
}

/**
 * Wraps `run` so calls closer together than `intervalMs` are dropped (the first
 * one runs). For work that a burst of events should trigger once, such as
 * re-checking access when a tab is refocused.
 */
export function atMostEvery(intervalMs: number, run: () => void, now: () => number = Date.now): () => void {
  let lastRun = 0
  return () => {
    if (now() - lastRun < intervalMs) return
    lastRun = now()
    run()
  }
}
