'use client'

import { useSyncExternalStore } from 'react'

const subscribeNever = () => () => {}

/**
 * A timestamp in the reader's own time zone and language. The server doesn't
 * know either, so it renders UTC and the browser replaces it after hydration.
 */
export function LocalTime({ iso }: { iso: string }) {
  const isClient = useSyncExternalStore(subscribeNever, () => true, () => false)
  const date = new Date(iso)
  const text = isClient
    ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC'
  return <time dateTime={iso}>{text}</time>
}
