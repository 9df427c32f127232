/**
 * A text/event-stream reader over plain fetch, for tests and the bench: it
 * sees what EventSource hides (comments such as heartbeats, the status, the
 * end of the stream) and resumes nothing by itself.
 */
export interface SseMessage {
  id: string | null
  event: string
  data: string
}

export interface SseStream {
  status: number
  headers: Headers
  /** Every event so far, in arrival order. */
  readonly events: SseMessage[]
  /** Every comment line so far (without the leading ':'). */
  readonly comments: string[]
  /** Resolves when the server ends the stream (or it breaks). */
  readonly ended: Promise<void>
  readonly hasEnded: () => boolean
  /** Resolves with the first event, from index `from` on, that matches. */
  waitForEvent(match: (event: SseMessage) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<SseMessage>
  waitForComment(match: (comment: string) => boolean, timeoutMs?: number): Promise<string>
  close(): void
}

export async function openEventStream(url: string, options: { cookie?: string; lastEventId?: string } = {}): Promise<SseStream> {
  const controller = new AbortController()
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (options.cookie) headers.cookie = options.cookie
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId
  const response = await fetch(url, { headers, signal: controller.signal })
  const events: SseMessage[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const wake = () => waiters.forEach((waiter) => waiter())
  let done = false

  const ended = (async () => {
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return
    const decoder = new TextDecoder()
    let buffer = ''
    let current: SseMessage = { id: null, event: 'message', data: '' }
    let hasData = false
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let newline: number
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '')
          buffer = buffer.slice(newline + 1)
          if (line === '') {
            if (hasData) events.push(current)
            current = { id: null, event: 'message', data: '' }
            hasData = false
            wake()
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim())
            wake()
          } else {
            const colon = line.indexOf(':')
            const field = colon < 0 ? line : line.slice(0, colon)
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
            if (field === 'id') current.id = value
            else if (field === 'event') current.event = value
            else if (field === 'data') {
              current.data = hasData ? `${current.data}\n${value}` : value
              hasData = true
            }
          }
        }
      }
    } catch {
      // Aborted by close(), or the connection broke: either way, ended.
    } finally {
      done = true
      wake()
    }
  })()

  function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find()
        if (found !== undefined) {
          cleanup()
          resolve(found)
        } else if (done) {
          cleanup()
          reject(new Error(`the stream ended before ${what}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no ${what} within ${timeoutMs} ms`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      waiters.add(check)
      check()
    })
  }

  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    ended,
    hasEnded: () => done,
    waitForEvent: (match, { from = 0, timeoutMs = 10_000 } = {}) =>
      waitFor(() => events.slice(from).find(match), timeoutMs, 'matching event'),
    waitForComment: (match, timeoutMs = 10_000) => waitFor(() => comments.find(match), timeoutMs, 'matching comment'),
    close: () => controller.abort(),
  }
}
