'use client'

import { useEffect, useState } from 'react'
import type { CollabSession } from '../engine/CollabSession'
import { watchPeople, type Person } from '../engine/presence'
import { initialsOf } from '../engine/userColor'

/** Everyone in the document right now, once per person however many tabs they have open. */
export function PresenceList({ session, selfId }: { session: CollabSession | null; selfId: string }) {
  const [people, setPeople] = useState<Person[]>([])

  useEffect(() => {
    if (!session) return
    return watchPeople(session.provider.awareness, selfId, setPeople)
  }, [session, selfId])

  return (
    <ul aria-label="People in this document" className="flex items-center -space-x-1.5">
      {people.map((person) => (
        <li key={person.id} className="group relative" title={person.isSelf ? `${person.name} (you)` : person.name}>
          <span
            aria-hidden
            className="flex h-8 w-8 items-center justify-center rounded-full text-xs font-semibold text-white ring-2 ring-white"
            style={{ backgroundColor: person.color }}
          >
            {initialsOf(person.name)}
          </span>
          <span className="sr-only" data-person-color={person.color}>
            {person.name}
            {person.isSelf ? ' (you)' : ''}
          </span>
        </li>
      ))}
    </ul>
  )
}
