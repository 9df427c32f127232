/**
 * Who a stored update is attributed to (the history's authorship,
 * persistence/history.ts): the sending peer's token, or the API caller's.
 * Updates from other instances were stored there, with their author.
 */
import type { Author } from '../persistence/history'
import type { UpdateOrigin } from './deps'

export function authorOf(origin: UpdateOrigin): Author | undefined {
  if (origin.source === 'client') return { sub: origin.peer.sub, name: origin.peer.name ?? null }
  if (origin.source === 'api') return origin.author
  return undefined
}
