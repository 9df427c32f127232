import * as authProtocol from 'y-protocols/auth'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { TokenAccess } from '@/lib/access'
import { CloseCode, FINAL_CLOSE_CODES } from '@/lib/closeCodes'
import { MessageType } from '@/lib/protocol'
import { atMostEvery, listenToBrowser } from './browserSignals'
import { LocalFirst } from './LocalFirst'
import { ReconnectBackoff } from './ReconnectBackoff'
import { SavedAckTracker } from './SavedAckTracker'
import { SnapshotStore } from './SnapshotStore'
import { sendFreshToken } from './freshToken'
import { ClosedReason, deriveSyncStatus, type LocalCopyState, type SyncStatus } from './syncStatus'
import { fetchAccessToken, TokenRefusedError, type AccessTokenResponse } from './tokenClient'
import { TokenRefreshSchedule } from './TokenRefreshSchedule'
import { Transport, TransportSelector, type TransportSelectorOptions } from './transport/TransportSelector'

/** When the tab regains focus, check the role again (an upgrade to editor then applies), at most this often. */
const FOCUS_RECHECK_MIN_MS = 15_000

export interface CollabSnapshot {
  status: SyncStatus
  /** The live connection may write (false for viewers and after a downgrade). */
  writable: boolean
  /** The document state has arrived at least once (show the editor, not the skeleton). */
  loaded: boolean
  closedReason: ClosedReason | null
  /** The live connection goes over the HTTP transport (WebSockets failed here). */
  viaHttp: boolean
  /** This browser's local copy (null without one: Node, no IndexedDB). */
  localCopy: LocalCopyState | null
  /** Something here is not yet stored by the server, as far as this device knows (leaving would warn). */
  unsavedOnServer: boolean
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
  /** When a WebSocket counts as failed and how often one is retried while on HTTP; shorter in tests. */
  transportTimings?: Pick<TransportSelectorOptions, 'openTimeoutMs' | 'retryMs'>
  /** Browsers: keep the document in this user's local copy and share it with their other tabs (LocalFirst.ts). */
  localCopyFor?: { userId: string }
}

const sameSnapshot = (a: CollabSnapshot, b: CollabSnapshot) =>
  a.status === b.status &&
  a.writable === b.writable &&
  a.loaded === b.loaded &&
  a.closedReason === b.closedReason &&
  a.viaHttp === b.viaHttp &&
  a.localCopy === b.localCopy &&
  a.unsavedOnServer === b.unsavedOnServer

/**
 * One open document: a Y.Doc, its y-websocket provider, and everything around
 * the stock provider that Tandem adds:
 * - a fresh token before every (re)connect and before the current one expires
 *   (the provider's own reconnect loop is paused so it never reuses a stale URL);
 * - no reconnecting after 4403 (access revoked) or 4404 (deleted), with the reason;
 * - read-only when the server says `permission-denied`;
 * - the "saved" state from the server's type-100 acknowledgements.
 * React reads it through {@link subscribe} / {@link getSnapshot}.
 *
 * The session decides; its collaborators each keep one kind of state:
 * {@link TokenRefreshSchedule} (the token held and when to renew it),
 * {@link ReconnectBackoff} (when to retry), {@link SavedAckTracker} (what the
 * server has stored) and {@link SnapshotStore} (what the UI is told).
 */
export class CollabSession {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  private readonly fetchToken: (documentId: string) => Promise<AccessTokenResponse>
  private readonly token: TokenRefreshSchedule
  private readonly backoff = new ReconnectBackoff()
  private readonly saved: SavedAckTracker
  private readonly store: SnapshotStore<CollabSnapshot>
  private readonly transport: TransportSelector
  private local: LocalFirst | null
  private everSynced = false
  /** The last attempt to reach the server failed; cleared when a socket opens. */
  private unreachable = false
  private permissionDenied = false
  private closedReason: ClosedReason | null = null
  private stopListeningToBrowser: () => void = () => {}
  private destroyed = false

  constructor(private readonly options: CollabSessionOptions) {
    this.fetchToken = options.fetchToken ?? fetchAccessToken
    this.token = new TokenRefreshSchedule(options.initialAccess, () => void this.refreshToken(), options.readOnlyRecheckMs)
    this.saved = new SavedAckTracker(this.doc)
    // Before the provider: the local copy hears every change before it is sent.
    this.local = options.localCopyFor ? new LocalFirst(this.doc, options.localCopyFor.userId, options.documentId, () => this.emitChange()) : null
    this.transport = new TransportSelector({
      WebSocket: options.WebSocketPolyfill ?? globalThis.WebSocket,
      currentUrl: () => this.provider.url,
      onChange: () => this.emitChange(),
      ...options.transportTimings,
    })
    this.provider = new WebsocketProvider(options.serverUrl, options.documentId, this.doc, {
      connect: false,
      // Same-browser tabs would otherwise sync over BroadcastChannel, around the
      // server's access checks; the server is the one source of truth here.
      disableBc: true,
      // The WebSocket, or the sync server's HTTP transport where WebSockets fail (transport/).
      WebSocketPolyfill: this.transport.socketClass,
      shouldReconnect: (event) => !FINAL_CLOSE_CODES.has(event.code),
    })
    this.provider.messageHandlers[MessageType.Saved] = (_encoder, decoder) => {
      this.saved.receive(decoder)
      const stored = this.saved.storedVector()
      if (stored) this.local?.serverStored(stored)
      this.emitChange()
    }
    this.provider.messageHandlers[MessageType.Auth] = (_encoder, decoder) => {
      authProtocol.readAuthMessage(decoder, this.doc, () => this.handlePermissionDenied())
    }
    this.provider.on('status', this.handleStatus)
    this.provider.on('sync', this.handleSync)
    this.provider.on('connection-close', this.handleConnectionClose)
    this.doc.on('update', this.handleDocUpdate)
    this.store = new SnapshotStore(() => this.computeSnapshot(), sameSnapshot)
  }

  /** Fetches a token and connects. */
  start(): void {
    this.stopListeningToBrowser = listenToBrowser({
      focus: atMostEvery(FOCUS_RECHECK_MIN_MS, () => void this.refreshToken()),
      offline: this.handleOffline,
      online: this.handleOnline,
    })
    void this.connectWithFreshToken()
  }

  destroy(): void {
    this.destroyed = true
    this.backoff.cancel()
    this.token.cancel()
    this.transport.destroy()
    this.stopListeningToBrowser()
    this.provider.off('status', this.handleStatus)
    this.provider.off('sync', this.handleSync)
    this.provider.off('connection-close', this.handleConnectionClose)
    this.doc.off('update', this.handleDocUpdate)
    this.local?.destroy()
    this.provider.destroy()
    this.doc.destroy()
    this.store.clear()
  }

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener)

  getSnapshot = (): CollabSnapshot => this.store.getSnapshot()

  private computeSnapshot(): CollabSnapshot {
    const status = deriveSyncStatus({
      connected: this.provider.wsconnected,
      synced: this.provider.synced,
      everSynced: this.everSynced,
      saved: this.saved.isSaved(),
      closedReason: this.closedReason,
      shownFromLocalCopy: this.local?.isShown(this.unreachable) ?? false,
      unreachable: this.unreachable,
    })
    const writable = this.token.access !== 'read' && !this.permissionDenied && !this.closedReason
    const viaHttp = this.provider.wsconnected && this.transport.transport === Transport.Http
    const loaded = this.everSynced || (this.local?.isShown(this.unreachable) ?? false)
    const unsavedOnServer = writable && !this.saved.isSaved() && !(this.local?.knownSaved() ?? false) && this.doc.store.clients.size > 0
    const localCopy = this.local?.state() ?? null
    return { status, writable, loaded, closedReason: this.closedReason, viaHttp, localCopy, unsavedOnServer }
  }

  private emitChange(): void {
    this.store.refresh()
  }

  private isReadOnly(): boolean {
    return this.token.access === 'read' || this.permissionDenied
  }

  private applyToken(response: AccessTokenResponse): void {
    const accessChanged = this.token.accept(response)
    this.provider.params = { token: response.token }
    if (accessChanged && response.access !== 'read') this.permissionDenied = false
    this.token.schedule(this.isReadOnly())
    // A live connection keeps the access it opened with; reopen it so a new role applies.
    if (accessChanged && this.provider.wsconnected) this.provider.ws?.close()
    // Same access: the live socket gets the fresh token (type 101) and so outlives the old one's expiry.
    else if (this.provider.wsconnected) sendFreshToken(this.provider.ws, response.token)
  }

  private async connectWithFreshToken(): Promise<void> {
    if (this.destroyed || this.closedReason) return
    try {
      this.applyToken(await this.fetchToken(this.options.documentId))
    } catch (error) {
      if (error instanceof TokenRefusedError) return this.closeForGood(error.reason)
      // The web app is unreachable. The sync server may not be: try the token we have while it lasts.
      if (!this.token.canStillConnect()) return this.scheduleReconnect()
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
      this.token.retrySoon()
    }
    this.emitChange()
  }

  private scheduleReconnect(): void {
    if (this.destroyed || this.closedReason) return
    this.backoff.schedule(() => void this.connectWithFreshToken())
    if (this.unreachable) return
    this.unreachable = true
    // The status depends on it: opened offline with the local copy already on screen, nothing
    // else may change after this, and "Connecting…" would stay up instead of "Offline".
    this.emitChange()
  }

  private closeForGood(reason: ClosedReason): void {
    this.closedReason = reason
    // Deleted or no longer ours: this device must not keep it, nor ever send its unsent edits.
    if (reason !== ClosedReason.SignedOut) this.eraseLocalCopy()
    this.backoff.cancel()
    this.token.cancel()
    // Not provider.disconnect(): this may run inside the provider's own close
    // handling. Stopping its retries and closing the socket (if any) is enough.
    this.provider.shouldConnect = false
    this.provider.ws?.close()
    this.emitChange()
  }

  private handleStatus = ({ status }: { status: string }): void => {
    if (status === 'connected') {
      this.unreachable = false
      // Ask for the persisted state vector on every new socket (docs/sync-protocol.md, "Saved acknowledgements").
      const request = this.saved.request()
      this.provider.ws?.send(request as Uint8Array<ArrayBuffer>)
    }
    this.emitChange()
  }

  private handleSync = (synced: boolean): void => {
    if (synced) {
      this.everSynced = true
      this.backoff.reset()
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

  private handlePermissionDenied(): void {
    // A reader hears this on every join; an editor only when downgraded, and then what it typed
    // since may have been refused: the local copy must not keep that and show it again later.
    if (!this.isReadOnly()) this.eraseLocalCopy()
    this.permissionDenied = true
    if (!this.destroyed && !this.closedReason) this.token.schedule(this.isReadOnly())
    this.emitChange()
  }

  /** From here on this session keeps no local copy (and the status says edits live in the tab only). */
  private eraseLocalCopy(): void {
    this.local?.erase()
    this.local = null
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
    this.backoff.reset()
    this.backoff.cancel()
    void this.connectWithFreshToken()
  }
}
