import type { TokenAccess } from '@/lib/access'
import type { AccessTokenResponse } from './tokenClient'

/** Refresh this long before the token expires, so a reconnect never presents an expired one. */
export const REFRESH_BEFORE_EXPIRY_MS = 60_000
/** Never refresh sooner than this after the last token, however short-lived it is. */
const MIN_REFRESH_DELAY_MS = 5_000
/** After a refresh failed for network reasons, try again this soon. */
export const REFRESH_RETRY_MS = 10_000
/**
 * While read-only, ask for a token this often: the sync server never raises a
 * live connection above its token (docs/sync-protocol.md, "HTTP on the same
 * port"), so an owner promoting a viewer takes effect when the new token
 * arrives and we reconnect.
 */
export const READ_ONLY_RECHECK_MS = 30_000

/**
 * The token the session holds (its access and expiry) and when to ask the web
 * app for the next one. It only keeps time: fetching the token and acting on a
 * change of access is the session's job, in `onDue`.
 */
export class TokenRefreshSchedule {
  private currentAccess: TokenAccess
  private expiresAt = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    initialAccess: TokenAccess,
    private readonly onDue: () => void,
    private readonly readOnlyRecheckMs = READ_ONLY_RECHECK_MS,
  ) {
    this.currentAccess = initialAccess
  }

  /** The access of the token we hold (the page's initial access until the first token arrives). */
  get access(): TokenAccess {
    return this.currentAccess
  }

  /** Records a new token; true when its access differs from the one before. */
  accept(response: AccessTokenResponse): boolean {
    const accessChanged = response.access !== this.currentAccess
    this.currentAccess = response.access
    this.expiresAt = response.expiresAt
    return accessChanged
  }

  /** The token we hold has enough life left to connect with (used when the web app is unreachable). */
  canStillConnect(now = Date.now()): boolean {
    return this.expiresAt - now >= REFRESH_BEFORE_EXPIRY_MS / 2
  }

  /** Next refresh: a minute before expiry, or sooner while read-only (to notice a promotion). */
  schedule(readOnly: boolean): void {
    clearTimeout(this.timer)
    const untilExpiryMs = Math.max(MIN_REFRESH_DELAY_MS, this.expiresAt - Date.now() - REFRESH_BEFORE_EXPIRY_MS)
    this.timer = setTimeout(this.onDue, readOnly ? Math.min(untilExpiryMs, this.readOnlyRecheckMs) : untilExpiryMs)
  }

  /** The last refresh failed for network reasons: try again soon. */
  retrySoon(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(this.onDue, REFRESH_RETRY_MS)
  }

  cancel(): void {
    clearTimeout(this.timer)
  }
}
