/**
 * What a person types into the search box, as the words to look for: runs
 * of letters and digits only (so nothing typed can be query syntax in
 * either engine), at most 10 of them, each at most 64 characters. Every
 * word matches as a prefix, so results follow the typing.
 */
export const MAX_QUERY_TERMS = 10
const MAX_TERM_LENGTH = 64

export function searchTerms(query: string): string[] {
  const words = query.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return [...new Set(words.map((word) => word.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_QUERY_TERMS)
}

/** FTS5: every term, each a quoted prefix (`"quick"* "fox"*`): all must match. */
export function fts5Query(terms: string[]): string {
  return terms.map((term) => `"${term}"*`).join(' ')
}

/** PostgreSQL tsquery: `quick:* & fox:*`. */
export function tsQuery(terms: string[]): string {
  return terms.map((term) => `${term}:*`).join(' & ')
}

/** Where a snippet's matched words start and end; private-use characters, which no document text is expected to hold. */
export const MATCH_START = '\uE000'
export const MATCH_END = '\uE001'

export interface SnippetPart {
  text: string
  match: boolean
}

/** A marked snippet as parts, so the page renders matches as <mark> without ever parsing HTML. */
export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  let rest = marked
  while (rest.length > 0) {
    const start = rest.indexOf(MATCH_START)
    if (start === -1) {
      parts.push({ text: rest, match: false })
      break
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), match: false })
    const end = rest.indexOf(MATCH_END, start + 1)
    const stop = end === -1 ? rest.length : end
    parts.push({ text: rest.slice(start + 1, stop), match: true })
    rest = rest.slice(stop + 1)
  }
  return parts.filter((part) => part.text.length > 0).map((part) => ({ ...part, text: part.text.replaceAll(MATCH_START, '').replaceAll(MATCH_END, '') }))
}
