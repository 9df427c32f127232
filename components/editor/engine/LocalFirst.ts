import type * as Y from 'yjs'
import { eraseLocalCopy } from './eraseLocalCopies'
import { LocalCopy, type LocalCopyState } from './LocalCopy'
import { isSaved } from './savedAck'
import { TabChannel } from './TabChannel'

/**
 * What a session adds in a browser for offline-first editing: the document's
 * local copy in IndexedDB and the channel to this user's other tabs. Made
 * before the sync provider, so the local copy hears every change first.
 */
export class LocalFirst {
  private readonly copy: LocalCopy
  private readonly tabs: TabChannel

  constructor(
    private readonly doc: Y.Doc,
    private readonly userId: string,
    private readonly documentId: string,
    onChange: () => void,
  ) {
    this.copy = new LocalCopy(doc, userId, documentId, onChange)
    this.tabs = new TabChannel(doc, userId, documentId, this.copy)
  }

  state(): LocalCopyState {
    return this.copy.state()
  }

  /** The copy has been read, and holds something worth showing (or nothing better is coming soon). */
  isShown(serverUnreachable: boolean): boolean {
    if (this.copy.state() === 'loading') return false
    return serverUnreachable || this.doc.store.clients.size > 0
  }

  /** A saved acknowledgement arrived: remember it when it covers the whole document. */
  serverStored(vector: Map<number, number>): void {
    if (isSaved(vector, this.doc)) this.copy.rememberServerStored(vector)
  }

  /** Everything here is known to be on the server, from the last acknowledgement seen on this device. */
  knownSaved(): boolean {
    return isSaved(this.copy.knownServerStored(), this.doc)
  }

  destroy(): void {
    this.tabs.destroy()
    this.copy.destroy()
  }

  /** The document is gone or no longer ours: forget the copy and its unsent edits. */
  erase(): void {
    this.tabs.destroy()
    void this.copy.erase().then(() => eraseLocalCopy(this.userId, this.documentId))
  }
}
