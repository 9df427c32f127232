import * as Y from 'yjs'
import { tabChannelName } from './localCopyNames'

/**
 * What tabs say to each other: an edit, or a state vector asking for what the
 * sender lacks (a newcomer's asks for the answerer's vector back, once).
 */
type TabMessage = { kind: 'update'; update: Uint8Array } | { kind: 'hello'; stateVector: Uint8Array; wantsReply: boolean }

/**
 * One user's tabs on one document, joined through a BroadcastChannel so they
 * agree at once, also offline. The channel's name carries the user id, so it
 * never joins two people (the server stays the only path between users and
 * keeps judging access). Each tab still sends its edits to the server itself.
 */
export class TabChannel {
  private readonly channel: BroadcastChannel | null

  constructor(
    private readonly doc: Y.Doc,
    userId: string,
    documentId: string,
  ) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(tabChannelName(userId, documentId))
    if (!this.channel) return
    this.channel.onmessage = this.handleMessage
    doc.on('update', this.handleUpdate)
    this.post({ kind: 'hello', stateVector: Y.encodeStateVector(doc), wantsReply: true })
  }

  destroy(): void {
    this.doc.off('update', this.handleUpdate)
    this.channel?.close()
  }

  private post(message: TabMessage): void {
    this.channel?.postMessage(message)
  }

  private handleUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this) this.post({ kind: 'update', update })
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
      // Send what the other tab lacks; a newcomer also learns what we lack (it then sends that).
      this.post({ kind: 'update', update: Y.encodeStateAsUpdate(this.doc, message.stateVector) })
      if (message.wantsReply) this.post({ kind: 'hello', stateVector: Y.encodeStateVector(this.doc), wantsReply: false })
    }
  }
}
