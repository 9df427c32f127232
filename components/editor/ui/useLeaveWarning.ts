'use client'

import { useEffect } from 'react'

/**
 * While `active`, leaving the page (closing the tab, reloading, typing another
 * address) asks the browser's "Leave site?" confirmation. The session says
 * when: something here is not yet stored by the server.
 */
export function useLeaveWarning(active: boolean) {
  useEffect(() => {
    if (!active) return
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault()
      // Older Chromium versions still need returnValue set to show the prompt.
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [active])
}
