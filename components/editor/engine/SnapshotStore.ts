/**
 * An external store in the shape React's `useSyncExternalStore` reads
 * (`subscribe`, `getSnapshot`), without depending on React: the snapshot is
 * recomputed on `refresh()`, and listeners hear only of real changes, so an
 * unchanged snapshot keeps its identity and causes no re-render.
 */
export class SnapshotStore<T> {
  private readonly listeners = new Set<() => void>()
  private snapshot: T

  constructor(
    private readonly compute: () => T,
    private readonly isSame: (a: T, b: T) => boolean,
  ) {
    this.snapshot = compute()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): T => this.snapshot

  /** Recomputes the snapshot and tells the listeners if it changed. */
  refresh(): void {
    const next = this.compute()
    if (this.isSame(next, this.snapshot)) return
    this.snapshot = next
    for (const listener of this.listeners) listener()
  }

  clear(): void {
    this.listeners.clear()
  }
}
