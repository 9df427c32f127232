import * as Y from 'yjs'
import { tabChannelName } from './localCopyNames'

/**
 * What tabs say to each other: an edit, or a state vector asking for what the
 * sender lacks (a newcomer's asks for the answerer's vector back, once).
 */
/** What the channel needs of the local copy: when it is loaded, and which origin loads it. */
export interface SharedLocalCopy {
  readonly whenLoaded: Promise<unknown>
  readonly loadOrigin: unknown
}

type TabMessage = { kind: 'update'; update: Uint8Array } | { kind: 'hello'; stateVector: Uint8Array; wantsReply: boolean }

/**
 * One user's tabs on one document, joined through a BroadcastChannel so they
 * agree at once, also offline. The channel's name carries the user id, so it
 * never joins two people (the server stays the only path between users and
 * keeps judging access). Each tab still sends its edits to the server itself.
 */
export class TabChannel {
  private readonly channel: BroadcastChannel | null
  private closed = false
  /** This tab has said hello (its local copy is in): until then it asks nobody for anything. */
  private greeted = false

  constructor(
    private readonly doc: Y.Doc,
    userId: string,
    documentId: string,
    /** The tabs' shared local copy (LocalCopy), when this tab has one. */
    private readonly localCopy?: SharedLocalCopy,
  ) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(tabChannelName(userId, documentId))
    if (!this.channel) return
    this.channel.onmessage = this.handleMessage
    doc.on('update', this.handleUpdate)
    // Greet once the local copy is in the doc: asked with an empty vector, an open tab
    // would send its whole document, only for this tab to read the same from IndexedDB.
    void Promise.resolve(localCopy?.whenLoaded).then(() => {
      if (this.closed) return
      this.greeted = true
      this.post({ kind: 'hello', stateVector: Y.encodeStateVector(doc), wantsReply: true })
    })
  }

  destroy(): void {
    this.closed = true
    this.doc.off('update', this.handleUpdate)
    this.channel?.close()
  }

  private post(message: TabMessage): void {
    this.channel?.postMessage(message)
  }

  private handleUpdate = (update: Uint8Array, origin: unknown): void => {
    // What the local copy loads, the other tabs wrote or were sent when it was written;
    // should they lack a piece, the greeting after the load makes up for it.
    if (origin !== this && (!this.localCopy || origin !== this.localCopy.loadOrigin)) this.post({ kind: 'update', update })
  }

  private handleMessage = ({ data }: MessageEvent<unknown>): void => {
    const message = data as Partial<TabMessage> | null
    if (message?.kind === 'update' && message.update instanceof Uint8Array) {
      try {
        Y.applyUpdate(this.doc, message.update, this)
      } catch {
        // Only this origin's pages can post here, but a broken message must not break the editor.
      }
    } else if (message?.kind === 'hello' && message.stateVector instanceof Uint8Array) {
      // Send what the other tab lacks; a newcomer also learns what we lack (it then sends that),
      // unless our own hello is still to come (it asks then, with the local copy in).
      this.post({ kind: 'update', update: Y.encodeStateAsUpdate(this.doc, message.stateVector) })
      if (message.wantsReply && this.greeted) this.post({ kind: 'hello', stateVector: Y.encodeStateVector(this.doc), wantsReply: false })
    }
  }
}
