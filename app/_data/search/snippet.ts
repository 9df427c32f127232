import type { SnippetPart } from './query'

/**
 * A snippet made in JavaScript from one result's stored text, for the page
 * of results only: FTS5's snippet() needs the document's match cursor, so
 * asking for it in the ranking query made SQLite build one for every
 * matching document before LIMIT (for a word in nearly every document,
 * thousands), and re-running the match per result costs as much again.
 * Words compare as FTS5's unicode61 tokenizer with remove_diacritics does:
 * letters and digits, case and accents folded, each term a prefix.
 */
const WORD = /[\p{L}\p{N}]+/gu
const WORDS_BEFORE_MATCH = 4

function fold(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

export function textSnippet(text: string, terms: string[], maxWords = 16): SnippetPart[] {
  const folded = terms.map(fold)
  const isMatch = (word: string) => {
    const w = fold(word)
    return folded.some((term) => w.startsWith(term))
  }
  const words: { start: number; end: number; match: boolean }[] = []
  let firstMatch = -1
  for (const found of text.matchAll(WORD)) {
    const match = isMatch(found[0])
    if (match && firstMatch === -1) firstMatch = words.length
    words.push({ start: found.index, end: found.index + found[0].length, match })
    // Enough once the window after the first match is full (or, with no match in the text, the opening words).
    const from = Math.max(0, firstMatch - WORDS_BEFORE_MATCH)
    if ((firstMatch !== -1 || words.length >= maxWords) && words.length >= from + maxWords + 1) break
  }
  if (words.length === 0) return []
  const from = Math.max(0, firstMatch - WORDS_BEFORE_MATCH)
  const window = words.slice(from, from + maxWords)
  const parts: SnippetPart[] = []
  const push = (part: string, match: boolean) => {
    if (part.length === 0) return
    const last = parts.at(-1)
    if (last && !last.match && !match) last.text += part
    else parts.push({ text: part, match })
  }
  if (from > 0) push('…', false)
  let at = window[0].start
  for (const word of window) {
    push(text.slice(at, word.start), false)
    push(text.slice(word.start, word.end), word.match)
    at = word.end
  }
  if (from + maxWords < words.length) push('…', false)
  return parts
}
