/** A call to the sync server's document API that failed: unreachable (no status) or refused (its status). */
export class SyncServerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'SyncServerError'
  }
}
