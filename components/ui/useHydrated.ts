'use client'

import { useEffect, useState } from 'react'

/**
 * False until React has hydrated the page. A form whose submit handler is a
 * server action keeps its button disabled until then: clicked earlier, the
 * browser would submit it natively (a GET of the page with the fields in the
 * URL) instead of running the action.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false)
  // eslint-disable-next-line react-hooks/set-state-in-effect -- the point is the render after hydration
  useEffect(() => setHydrated(true), [])
  return hydrated
}
