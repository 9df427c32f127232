'use client'

import Link from 'next/link'
import { useCallback, useEffect, useRef, useState } from 'react'
import { LocalTime } from '@/components/documents/LocalTime'
import { secondaryButton } from '@/components/ui/buttonStyles'
import type { NotificationsSnapshot } from '@/lib/liveEvents'
import { changesNotifications } from './liveDocumentList'
import { useLiveEvents } from './LiveEventsProvider'
import { describeNotification } from './notificationText'

export type MarkNotificationsRead = (upToId?: number) => Promise<{ ok: boolean }>

/**
 * The header's Notifications button: the unread count, and a list that
 * opening marks read (up to the newest shown); "Mark all as read" marks the
 * rest. Entries read before this opening are dimmed.
 */
export function NotificationsBell({ initial, markRead }: { initial: NotificationsSnapshot; markRead: MarkNotificationsRead }) {
  const [snapshot, setSnapshot] = useState(initial)
  const [open, setOpen] = useState(false)
  // What was unread when the list was opened: shown as new until it closes.
  const [freshIds, setFreshIds] = useState<Set<number>>(new Set())
  const container = useRef<HTMLDivElement>(null)

  const openRef = useRef(false)

  /** Shows a snapshot; while the list is open, what it shows is seen, so it is marked read at once. */
  const show = useCallback(
    (next: NotificationsSnapshot) => {
      const unseen = next.items.filter((item) => !item.read)
      if (!openRef.current || unseen.length === 0) {
        setSnapshot(next)
        return
      }
      setFreshIds((ids) => new Set([...ids, ...unseen.map((item) => item.id)]))
      setSnapshot({ unread: Math.max(0, next.unread - unseen.length), items: next.items.map((item) => ({ ...item, read: true })) })
      void markRead(next.items[0].id)
    },
    [markRead],
  )

  const refetch = useCallback(async () => {
    try {
      const response = await fetch('/api/notifications', { cache: 'no-store' })
      if (response.ok) show((await response.json()) as NotificationsSnapshot)
    } catch {
      // The next event or poll tries again.
    }
  }, [show])

  useLiveEvents({
    onEvent: (event) => {
      if (changesNotifications(event)) void refetch()
    },
    onPoll: () => void refetch(),
  })

  function toggle() {
    const opening = !open
    openRef.current = opening
    setOpen(opening)
    if (opening) show(snapshot)
    else setFreshIds(new Set())
  }

  useEffect(() => {
    if (!open) return
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !container.current?.contains(event.target as Node)) {
        openRef.current = false
        setOpen(false)
        setFreshIds(new Set())
      }
    }
    document.addEventListener('mousedown', close)
    document.addEventListener('keydown', close)
    return () => {
      document.removeEventListener('mousedown', close)
      document.removeEventListener('keydown', close)
    }
  }, [open])

  async function markAll() {
    setSnapshot((s) => ({ unread: 0, items: s.items.map((item) => ({ ...item, read: true })) }))
    await markRead()
    await refetch()
  }

  const label = snapshot.unread > 0 ? `Notifications, ${snapshot.unread} unread` : 'Notifications'
  return (
    <div ref={container} className="relative">
      <button
        type="button"
        className={secondaryButton}
        aria-label={label}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={toggle}
      >
        <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 fill-current">
          <path d="M10 2a5 5 0 0 0-5 5v3.6L3.3 13.3A1 1 0 0 0 4.1 15h11.8a1 1 0 0 0 .8-1.7L15 10.6V7a5 5 0 0 0-5-5Zm-2 14a2 2 0 0 0 4 0H8Z" />
        </svg>
        <span className="hidden sm:inline">Notifications</span>
        {snapshot.unread > 0 ? (
          <span data-testid="unread-count" className="rounded-full bg-blue-700 px-1.5 text-xs font-semibold text-white">
            {snapshot.unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div role="region" aria-label="Notifications" className="absolute right-0 z-20 mt-2 w-80 rounded-lg border border-slate-200 bg-white shadow-lg">
          <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
            <span className="text-sm font-semibold">Notifications</span>
            <button type="button" className="text-xs font-medium text-blue-700 hover:underline" onClick={() => void markAll()}>
              Mark all as read
            </button>
          </div>
          {snapshot.items.length === 0 ? (
            <p className="px-3 py-6 text-center text-sm text-slate-500">Nothing yet.</p>
          ) : (
            <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
              {snapshot.items.map((item) => {
                const { text, href } = describeNotification(item)
                const fresh = freshIds.has(item.id)
                return (
                  <li key={item.id} className={`px-3 py-2 text-sm ${fresh ? 'bg-blue-50' : 'text-slate-600'}`}>
                    {href ? (
                      <Link href={href} className="font-medium text-slate-900 hover:underline" onClick={() => {
                          openRef.current = false
                          setOpen(false)
                        }}
                      >
                        {text}
                      </Link>
                    ) : (
                      <span>{text}</span>
                    )}
                    <div className="text-xs text-slate-500">
                      <LocalTime iso={item.createdAt} />
                    </div>
                  </li>
                )
              })}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  )
}
