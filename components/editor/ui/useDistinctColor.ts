'use client'

import { useEffect } from 'react'
import type { CollabSession } from '../engine/CollabSession'
import { peopleFromAwareness, type PresenceUser } from '../engine/presence'
import { distinctColorFor } from '../engine/userColor'

/**
 * Keeps this tab's presence colour different from everyone else's in the
 * document (twelve colours hashed from user ids collide often enough to matter:
 * two green carets can't be told apart). CollaborationCaret draws carets from
 * the awareness state, so changing `user.color` there is all it takes.
 */
export function useDistinctColor(session: CollabSession, user: PresenceUser) {
  useEffect(() => {
    const awareness = session.provider.awareness
    const update = () => {
      const others = peopleFromAwareness(awareness.getStates() as Map<number, Record<string, unknown>>, user.id).filter((p) => !p.isSelf)
      const color = distinctColorFor(user.id, others)
      const current = (awareness.getLocalState()?.user as PresenceUser | undefined)?.color
      if (color !== current) awareness.setLocalStateField('user', { ...user, color })
    }
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [session, user])
}
