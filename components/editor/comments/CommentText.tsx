/**
 * A comment's plain text: line breaks kept, web addresses as links. Nothing
 * the author wrote is ever read as HTML; only http(s) addresses become links,
 * opened in a new tab without the referrer.
 */
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g
/** Punctuation that ends a sentence more often than an address. */
const TRAILING = /[.,;:!?)\]]+$/

export function CommentText({ text }: { text: string }) {
  const parts: React.ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0]
    const url = raw.replace(TRAILING, '')
    const start = match.index
    if (start > last) parts.push(text.slice(last, start))
    parts.push(
      <a key={start} href={url} target="_blank" rel="noopener noreferrer nofollow" className="text-blue-700 underline break-all">
        {url}
      </a>,
    )
    last = start + url.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <p className="whitespace-pre-wrap break-words text-sm text-slate-800">{parts}</p>
}
