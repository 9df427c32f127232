/**
 * Tells the web app that documents were edited (docs/sync-protocol.md, "Edit
 * reports"): after an update from a client is stored, one signed POST to
 * EDIT_WEBHOOK_URL, at most one per document per interval. Edits inside an
 * interval are reported once when it ends, naming the latest writer. A
 * failed report is logged and dropped: the list's "last edited" can lag,
 * nobody's editing can.
 */
import { createHmac } from 'node:crypto'
import type { Logger } from 'pino'
import type { EditSink } from './room/deps'

export interface EditReporterOptions {
  url: string
  /** The shared AUTH_SECRET: the body's HMAC-SHA256 goes in `X-Tandem-Signature`. */
  secret: string
  intervalMs: number
  log: Logger
  /** How long one POST may take before it is given up. */
  timeoutMs?: number
}

export const SIGNATURE_HEADER = 'x-tandem-signature'

/** `sha256=<hex>` of the exact body bytes, keyed with the secret's UTF-8 bytes. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

interface DocumentState {
  lastSentAt: number
  /** A writer to report when the interval ends, if edits came in during it. */
  pendingUser: string | null
  timer: NodeJS.Timeout | null
}

export class EditReporter implements EditSink {
  private readonly documents = new Map<string, DocumentState>()
  private closed = false

  constructor(private readonly options: EditReporterOptions) {}

  stored(docId: string, userId: string): void {
    if (this.closed) return
    const now = Date.now()
    let state = this.documents.get(docId)
    if (!state) this.documents.set(docId, (state = { lastSentAt: 0, pendingUser: null, timer: null }))
    const wait = state.lastSentAt + this.options.intervalMs - now
    if (wait <= 0 && !state.timer) {
      this.send(docId, userId, state)
      return
    }
    state.pendingUser = userId
    state.timer ??= setTimeout(() => {
      const current = this.documents.get(docId)
      if (!current) return
      current.timer = null
      const user = current.pendingUser
      current.pendingUser = null
      if (user) this.send(docId, user, current)
    }, wait)
    state.timer.unref()
  }

  private send(docId: string, userId: string, state: DocumentState): void {
    state.lastSentAt = Date.now()
    // Forget a quiet document once its interval is over, so the map holds only recently edited ones.
    setTimeout(() => {
      const current = this.documents.get(docId)
      if (current === state && !current.timer && Date.now() - current.lastSentAt >= this.options.intervalMs) this.documents.delete(docId)
    }, this.options.intervalMs).unref()
    const body = JSON.stringify({ documentId: docId, editedAt: new Date(state.lastSentAt).toISOString(), userId })
    fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(this.options.secret, body) },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => {})
        if (!response.ok) this.options.log.warn({ docId, status: response.status }, 'edit report refused by the web app')
      })
      .catch((error: unknown) => this.options.log.warn({ docId, err: error }, 'edit report failed'))
  }

  /** Stops reporting; edits still waiting for their interval to end are reported at once (shutdown). */
  close(): void {
    this.closed = true
    for (const [docId, state] of this.documents) {
      if (state.timer) clearTimeout(state.timer)
      if (state.pendingUser) this.send(docId, state.pendingUser, state)
    }
    this.documents.clear()
  }
}
