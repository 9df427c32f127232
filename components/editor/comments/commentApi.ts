import type { CommentThread, MentionCandidate } from '@/lib/comments'
import type { EncodedAnchor } from './anchors'

/**
 * The browser's side of the comment API (README, "Comments"). Every call
 * answers a result, never throws: a network failure becomes words the
 * panel can show, and what the user wrote stays where it was.
 */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: string; status: number | null }

/** When the request never reached the server. */
export const OFFLINE_NOT_POSTED = 'You are offline, so this was not saved. Your text is kept: try again when you are back online.'

async function call<T>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    })
  } catch {
    return { ok: false, error: OFFLINE_NOT_POSTED, status: null }
  }
  let data: unknown = null
  try {
    data = await response.json()
  } catch {
    // An empty or non-JSON answer (a proxy's error page): the status says enough.
  }
  if (!response.ok) {
    const message = (data as { error?: unknown } | null)?.error
    return { ok: false, error: typeof message === 'string' ? message : `The server answered ${response.status}. Try again.`, status: response.status }
  }
  return { ok: true, value: data as T }
}

const threads = (documentId: string) => `/api/docs/${encodeURIComponent(documentId)}/threads`

export const commentApi = {
  list: (documentId: string) => call<CommentThread[]>('GET', threads(documentId)),
  get: (documentId: string, threadId: string) => call<CommentThread>('GET', `${threads(documentId)}/${encodeURIComponent(threadId)}`),
  create: (documentId: string, input: { anchor: EncodedAnchor; quote: string; body: string; mentions: string[] }) => call<CommentThread>('POST', threads(documentId), input),
  reply: (documentId: string, threadId: string, body: string, mentions: string[]) =>
    call<CommentThread>('POST', `${threads(documentId)}/${encodeURIComponent(threadId)}/comments`, { body, mentions }),
  people: (documentId: string) => call<MentionCandidate[]>('GET', `/api/docs/${encodeURIComponent(documentId)}/people`),
  setResolved: (documentId: string, threadId: string, resolved: boolean) =>
    call<CommentThread>('PATCH', `${threads(documentId)}/${encodeURIComponent(threadId)}`, { resolved }),
  /** After this editor's own change rewrote the commented words (COMMENTS-20); editors and the owner only. */
  moveAnchor: (documentId: string, threadId: string, anchor: EncodedAnchor) =>
    call<CommentThread>('PATCH', `${threads(documentId)}/${encodeURIComponent(threadId)}`, { anchor }),
  edit: (documentId: string, commentId: string, body: string) =>
    call<CommentThread>('PATCH', `/api/docs/${encodeURIComponent(documentId)}/comments/${encodeURIComponent(commentId)}`, { body }),
  remove: (documentId: string, commentId: string) =>
    call<{ thread: CommentThread | null }>('DELETE', `/api/docs/${encodeURIComponent(documentId)}/comments/${encodeURIComponent(commentId)}`),
}
