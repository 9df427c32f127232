/**
 * Caret and avatar colours. CollaborationCaret only accepts `#rrggbb` (any
 * other format is silently replaced with transparent), so the palette is
 * written that way. Colours are dark enough for white label text (WCAG AA).
 */
export const USER_COLORS = [
  '#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#c2410c', '#0e7490',
  '#be185d', '#4d7c0f', '#6d28d9', '#a16207', '#0f766e', '#9d174d',
] as const

/** The same user always gets the same colour, in every tab and for everyone. */
export function colorForUser(userId: string): string {
  let hash = 0
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0
  return USER_COLORS[hash % USER_COLORS.length]
}

/** "Ada Lovelace" → "AL"; "grace" → "G". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  const first = words[0][0]
  const last = words.length > 1 ? words[words.length - 1][0] : ''
  return (first + last).toUpperCase()
}

/**
 * The colour to show for `selfId` given who else is in the document: its own
 * colour unless someone whose id sorts first already wears it, then the next
 * free one in the palette. Everyone applies the same rule to the same awareness
 * states, so colours settle without coordination, and two tabs of one user agree.
 */
export function distinctColorFor(selfId: string, others: ReadonlyArray<{ id: string; color: string }>): string {
  const taken = new Set(others.filter((other) => other.id !== selfId && other.id < selfId).map((other) => other.color))
  const start = USER_COLORS.indexOf(colorForUser(selfId) as (typeof USER_COLORS)[number])
  for (let step = 0; step < USER_COLORS.length; step++) {
    const candidate = USER_COLORS[(start + step) % USER_COLORS.length]
    if (!taken.has(candidate)) return candidate
  }
  return USER_COLORS[start]
}
