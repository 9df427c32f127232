'use client'

import { useEffect } from 'react'
import type { CollabSession } from '../engine/CollabSession'
import { keepColorDistinct, type PresenceUser } from '../engine/presence'

/** Keeps this tab's caret colour different from everyone else's while mounted (engine/presence.ts). */
export function useDistinctColor(session: CollabSession, user: PresenceUser) {
  useEffect(() => keepColorDistinct(session.provider.awareness, user), [session, user])
}
