'use client'

import { forwardRef, useEffect, useId, useState } from 'react'
import { MAX_COMMENT_LENGTH, type MentionCandidate } from '@/lib/comments'
import { commentApi } from './commentApi'

/** What a comment field holds: its text, and who was picked from the `@` list. */
export interface MentionText {
  body: string
  mentions: string[]
}

export const EMPTY_MENTION_TEXT: MentionText = { body: '', mentions: [] }

/** The `@word` being typed just before the caret, if any. */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret))
  return match ? { start: caret - match[2].length - 1, query: match[2] } : null
}

const peopleCache = new Map<string, Promise<MentionCandidate[]>>()

/** The people one may mention in this document, asked once per page. */
function usePeople(documentId: string, wanted: boolean): MentionCandidate[] {
  const [people, setPeople] = useState<MentionCandidate[]>([])
  useEffect(() => {
    if (!wanted) return
    let cancelled = false
    if (!peopleCache.has(documentId)) {
      peopleCache.set(
        documentId,
        commentApi.people(documentId).then((result) => {
          if (!result.ok) peopleCache.delete(documentId)
          return result.ok ? result.value : []
        }),
      )
    }
    void peopleCache.get(documentId)!.then((list) => !cancelled && setPeople(list))
    return () => {
      cancelled = true
    }
  }, [documentId, wanted])
  return people
}

/**
 * A comment field that offers the people with access when `@` is typed
 * (arrow keys and Enter, or a click, pick one; Escape closes the list).
 */
export const MentionTextarea = forwardRef<
  HTMLTextAreaElement,
  { documentId: string; label: string; value: MentionText; onChange(value: MentionText): void; rows?: number; placeholder?: string; onEscape?(): void }
>(function MentionTextarea({ documentId, label, value, onChange, rows = 3, placeholder, onEscape }, ref) {
  const id = useId()
  const listId = useId()
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null)
  const [highlighted, setHighlighted] = useState(0)
  const people = usePeople(documentId, query !== null)
  const matches = query ? people.filter((p) => p.name.toLowerCase().startsWith(query.query.toLowerCase())).slice(0, 8) : []
  const open = query !== null && matches.length > 0

  function pick(person: MentionCandidate, textarea: HTMLTextAreaElement) {
    if (!query) return
    const caret = textarea.selectionStart
    const body = `${value.body.slice(0, query.start)}@${person.name} ${value.body.slice(caret)}`
    onChange({ body, mentions: value.mentions.includes(person.id) ? value.mentions : [...value.mentions, person.id] })
    setQuery(null)
    const at = query.start + person.name.length + 2
    requestAnimationFrame(() => textarea.setSelectionRange(at, at))
  }

  return (
    <div className="relative">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <textarea
        id={id}
        ref={ref}
        rows={rows}
        maxLength={MAX_COMMENT_LENGTH}
        value={value.body}
        placeholder={placeholder}
        aria-controls={open ? listId : undefined}
        onChange={(event) => {
          onChange({ ...value, body: event.target.value })
          setQuery(mentionQuery(event.target.value, event.target.selectionStart))
          setHighlighted(0)
        }}
        onKeyDown={(event) => {
          if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
            event.preventDefault()
            setHighlighted((i) => (i + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length)
          } else if (open && (event.key === 'Enter' || event.key === 'Tab')) {
            event.preventDefault()
            pick(matches[highlighted] ?? matches[0], event.currentTarget)
          } else if (event.key === 'Escape') {
            if (open) setQuery(null)
            else onEscape?.()
          }
        }}
        className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-blue-600 focus:outline-none"
      />
      {open ? (
        <ul id={listId} role="listbox" aria-label="People to mention" className="absolute z-20 mt-1 w-full rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg">
          {matches.map((person, index) => (
            <li
              key={person.id}
              role="option"
              aria-selected={index === highlighted}
              onMouseDown={(event) => {
                event.preventDefault()
                const textarea = document.getElementById(id) as HTMLTextAreaElement | null
                if (textarea) pick(person, textarea)
              }}
              className={`cursor-pointer px-2 py-1 ${index === highlighted ? 'bg-blue-50 text-blue-900' : ''}`}
            >
              {person.name}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
})
