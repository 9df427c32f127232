import * as decoding from 'lib0/decoding'
import * as authProtocol from 'y-protocols/auth'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { TokenAccess } from '@/lib/access'
import { CloseCode, FINAL_CLOSE_CODES } from '@/lib/closeCodes'
import { MessageType } from '@/lib/protocol'
import { encodeSavedRequest, isSaved, readPersistedClock } from './savedAck'
import { ClosedReason, deriveSyncStatus, type SyncStatus } from './syncStatus'
import { fetchAccessToken, TokenRefusedError, type AccessTokenResponse } from './tokenClient'

/** Refresh this long before the token expires, so a reconnect never presents an expired one. */
const REFRESH_BEFORE_EXPIRY_MS = 60_000
/** Reconnect backoff: 250 ms, doubling, capped, with jitter so a restarted server isn't stampeded. */
const RECONNECT_BASE_MS = 250
const RECONNECT_MAX_MS = 10_000
/** When the tab regains focus, check the role again (an upgrade to editor then applies), at most this often. */
const FOCUS_RECHECK_MIN_MS = 15_000
/**
 * While read-only, ask for a token this often: the sync server never raises a
 * live connection above its token (CONTRACT.md, access changes), so an owner
 * promoting a viewer takes effect when the new token arrives and we reconnect.
 */
const READ_ONLY_RECHECK_MS = 30_000

export interface CollabSnapshot {
  status: SyncStatus
  /** The live connection may write (false for viewers and after a downgrade). */
  writable: boolean
  /** The document state has arrived at least once (show the editor, not the skeleton). */
  loaded: boolean
  closedReason: ClosedReason | null
}

export interface CollabSessionOptions {
  documentId: string
  /** `ws://…` or `wss://…`, without the document id. */
  serverUrl: string
  initialAccess: TokenAccess
  /** Injected for tests; defaults to GET /api/docs/<id>/token. */
  fetchToken?: (documentId: string) => Promise<AccessTokenResponse>
  /** For Node tests (Node 20 has no global WebSocket); browsers use their own. */
  WebSocketPolyfill?: typeof WebSocket
  /** How often a read-only session re-checks its role; shorter in tests. */
  readOnlyRecheckMs?: number
}

/**
 * One open document: a Y.Doc, its y-websocket provider, and everything around
 * the stock provider that Tandem adds:
 * - a fresh token before every (re)connect and before the current one expires
 *   (the provider's own reconnect loop is paused so it never reuses a stale URL);
 * - no reconnecting after 4403 (access revoked) or 4404 (deleted), with the reason;
 * - read-only when the server says `permission-denied`;
 * - the "saved" state from the server's type-100 acknowledgements.
 * React reads it through {@link subscribe} / {@link getSnapshot}.
 */
export class CollabSession {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  private readonly fetchToken: (documentId: string) => Promise<AccessTokenResponse>
  private readonly listeners = new Set<() => void>()
  private snapshot: CollabSnapshot
  private access: TokenAccess
  private tokenExpiresAt = 0
  private persistedClock: number | null = null
  private everSynced = false
  private permissionDenied = false
  private closedReason: ClosedReason | null = null
  private reconnectAttempts = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private lastFocusCheck = 0
  private destroyed = false

  constructor(private readonly options: CollabSessionOptions) {
    this.access = options.initialAccess
    this.fetchToken = options.fetchToken ?? fetchAccessToken
    this.provider = new WebsocketProvider(options.serverUrl, options.documentId, this.doc, {
      connect: false,
      // Same-browser tabs would otherwise sync over BroadcastChannel, around the
      // server's access checks; the server is the one source of truth here.
      disableBc: true,
      ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
      shouldReconnect: (event) => !FINAL_CLOSE_CODES.has(event.code),
    })
    this.provider.messageHandlers[MessageType.Saved] = (_encoder, decoder) => this.handleSavedAck(decoder)
    this.provider.messageHandlers[MessageType.Auth] = (_encoder, decoder) => {
      authProtocol.readAuthMessage(decoder, this.doc, () => this.handlePermissionDenied())
    }
    this.provider.on('status', this.handleStatus)
    this.provider.on('sync', this.handleSync)
    this.provider.on('connection-close', this.handleConnectionClose)
    this.doc.on('update', this.handleDocUpdate)
    this.snapshot = this.computeSnapshot()
  }

  /** Fetches a token and connects. */
  start(): void {
    if (typeof window !== 'undefined') {
      window.addEventListener('focus', this.handleFocus)
      window.addEventListener('offline', this.handleOffline)
      window.addEventListener('online', this.handleOnline)
    }
    void this.connectWithFreshToken()
  }

  destroy(): void {
    this.destroyed = true
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.refreshTimer)
    if (typeof window !== 'undefined') {
      window.removeEventListener('focus', this.handleFocus)
      window.removeEventListener('offline', this.handleOffline)
      window.removeEventListener('online', this.handleOnline)
    }
    this.provider.off('status', this.handleStatus)
    this.provider.off('sync', this.handleSync)
    this.provider.off('connection-close', this.handleConnectionClose)
    this.doc.off('update', this.handleDocUpdate)
    this.provider.destroy()
    this.doc.destroy()
    this.listeners.clear()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): CollabSnapshot => this.snapshot

  private computeSnapshot(): CollabSnapshot {
    const status = deriveSyncStatus({
      connected: this.provider.wsconnected,
      synced: this.provider.synced,
      everSynced: this.everSynced,
      saved: isSaved(this.persistedClock, this.doc),
      closedReason: this.closedReason,
    })
    const writable = this.access !== 'read' && !this.permissionDenied && !this.closedReason
    return { status, writable, loaded: this.everSynced, closedReason: this.closedReason }
  }

  private emitChange(): void {
    const next = this.computeSnapshot()
    const prev = this.snapshot
    if (
      next.status === prev.status &&
      next.writable === prev.writable &&
      next.loaded === prev.loaded &&
      next.closedReason === prev.closedReason
    ) {
      return
    }
    this.snapshot = next
    for (const listener of this.listeners) listener()
  }

  private applyToken(response: AccessTokenResponse): void {
    const accessChanged = response.access !== this.access
    this.access = response.access
    this.tokenExpiresAt = response.expiresAt
    this.provider.params = { token: response.token }
    if (accessChanged && response.access !== 'read') this.permissionDenied = false
    this.scheduleRefresh()
    // A live connection keeps the access it opened with; reopen it so a new role applies.
    if (accessChanged && this.provider.wsconnected) this.provider.ws?.close()
  }

  /** Next token refresh: a minute before expiry, or sooner while read-only (to notice a promotion). */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer)
    const untilExpiryMs = Math.max(5_000, this.tokenExpiresAt - Date.now() - REFRESH_BEFORE_EXPIRY_MS)
    const readOnly = this.access === 'read' || this.permissionDenied
    const recheckMs = this.options.readOnlyRecheckMs ?? READ_ONLY_RECHECK_MS
    this.refreshTimer = setTimeout(() => void this.refreshToken(), readOnly ? Math.min(untilExpiryMs, recheckMs) : untilExpiryMs)
  }

  private async connectWithFreshToken(): Promise<void> {
    if (this.destroyed || this.closedReason) return
    try {
      this.applyToken(await this.fetchToken(this.options.documentId))
    } catch (error) {
      if (error instanceof TokenRefusedError) return this.closeForGood(error.reason)
      // The web app is unreachable. The sync server may not be: try the token we have while it lasts.
      if (this.tokenExpiresAt - Date.now() < REFRESH_BEFORE_EXPIRY_MS / 2) return this.scheduleReconnect()
    }
    if (this.destroyed || this.closedReason) return
    this.provider.connect()
  }

  private async refreshToken(): Promise<void> {
    if (this.destroyed || this.closedReason) return
    try {
      this.applyToken(await this.fetchToken(this.options.documentId))
    } catch (error) {
      if (error instanceof TokenRefusedError) return this.closeForGood(error.reason)
      clearTimeout(this.refreshTimer)
      this.refreshTimer = setTimeout(() => void this.refreshToken(), 10_000)
    }
    this.emitChange()
  }

  private scheduleReconnect(): void {
    if (this.destroyed || this.closedReason) return
    clearTimeout(this.reconnectTimer)
    const backoff = Math.min(RECONNECT_BASE_MS * 2 ** this.reconnectAttempts, RECONNECT_MAX_MS)
    this.reconnectAttempts += 1
    const delay = backoff / 2 + Math.random() * (backoff / 2)
    this.reconnectTimer = setTimeout(() => void this.connectWithFreshToken(), delay)
  }

  private closeForGood(reason: ClosedReason): void {
    this.closedReason = reason
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.refreshTimer)
    // Not provider.disconnect(): this may run inside the provider's own close
    // handling. Stopping its retries and closing the socket (if any) is enough.
    this.provider.shouldConnect = false
    this.provider.ws?.close()
    this.emitChange()
  }

  private handleStatus = ({ status }: { status: string }): void => {
    if (status === 'connected') {
      // Ask for the persisted state vector on every new socket (CONTRACT.md, "Saved acknowledgements").
      this.persistedClock = null
      this.provider.ws?.send(encodeSavedRequest() as Uint8Array<ArrayBuffer>)
    }
    this.emitChange()
  }

  private handleSync = (synced: boolean): void => {
    if (synced) {
      this.everSynced = true
      this.reconnectAttempts = 0
    }
    this.emitChange()
  }

  private handleConnectionClose = (event: CloseEvent | null): void => {
    if (this.destroyed) return
    if (event && event.code === CloseCode.DocumentDeleted) return this.closeForGood(ClosedReason.Deleted)
    if (event && event.code === CloseCode.AccessRevoked) return this.closeForGood(ClosedReason.AccessRevoked)
    // Pause the provider's own retry (it would reuse the old URL) and reconnect with a fresh token.
    this.provider.shouldConnect = false
    this.scheduleReconnect()
    this.emitChange()
  }

  private handleSavedAck(decoder: decoding.Decoder): void {
    this.persistedClock = readPersistedClock(decoder, this.doc.clientID)
    this.emitChange()
  }

  private handlePermissionDenied(): void {
    this.permissionDenied = true
    if (!this.destroyed && !this.closedReason) this.scheduleRefresh()
    this.emitChange()
  }

  private handleDocUpdate = (): void => {
    this.emitChange()
  }

  /**
   * The browser lost the network. A dead socket would otherwise look live until
   * y-websocket's 30-second silence check; drop it now so the status says offline.
   */
  private handleOffline = (): void => {
    if (this.destroyed || this.closedReason || !this.provider.ws) return
    this.provider.disconnect() // our close handler then schedules reconnects, with backoff
  }

  /** Back online: reconnect now instead of waiting out the backoff. */
  private handleOnline = (): void => {
    if (this.destroyed || this.closedReason || this.provider.wsconnected) return
    this.reconnectAttempts = 0
    clearTimeout(this.reconnectTimer)
    void this.connectWithFreshToken()
  }

  private handleFocus = (): void => {
    if (Date.now() - this.lastFocusCheck < FOCUS_RECHECK_MIN_MS) return
    this.lastFocusCheck = Date.now()
    void this.refreshToken()
  }
}

