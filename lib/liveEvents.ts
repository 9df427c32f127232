import type { MemberRole, Role } from './roles'

/**
 * The events of a user's live stream (`GET /api/events`), shared by the web
 * app that stores and sends them and the browser that reads them. Each has
 * the fields the issue promises; some carry a little more (a title, who did
 * it) so that a notification can be worded without another lookup.
 */
export interface Actor {
  id: string
  name: string
}

export interface LiveEventPayloads {
  'document.shared': { documentId: string; title: string; role: MemberRole; by: Actor }
  'document.role-changed': { documentId: string; role: MemberRole; title: string; by: Actor }
  'document.unshared': { documentId: string; title: string; by: Actor }
  'document.renamed': { documentId: string; title: string }
  'document.deleted': { documentId: string; title: string; by: Actor }
  'document.edited': { documentId: string; editedAt: string; by: Actor }
  /** A comment thread of the document was created, replied to, edited, resolved, reopened or deleted: open editors refetch it. */
  'comment.changed': { documentId: string; threadId: string; change: CommentChange; by: Actor }
  /** Someone mentioned you (`@Name`) in a comment: a notification linking to the thread. */
  'comment.mentioned': { documentId: string; threadId: string; title: string; by: Actor }
  /** Someone replied in a thread you wrote in: a notification linking to the thread. */
  'comment.replied': { documentId: string; threadId: string; title: string; by: Actor }
}

/** What happened to a thread, in `comment.changed`. */
export type CommentChange = 'created' | 'replied' | 'edited' | 'reply-deleted' | 'deleted' | 'resolved' | 'reopened' | 'moved'

export type LiveEventType = keyof LiveEventPayloads

export const LIVE_EVENT_TYPES = [
  'document.shared',
  'document.role-changed',
  'document.unshared',
  'document.renamed',
  'document.deleted',
  'document.edited',
  'comment.changed',
  'comment.mentioned',
  'comment.replied',
] as const satisfies readonly LiveEventType[]

/** One event as the stream delivers it. */
export type LiveEvent = {
  [K in LiveEventType]: { id: number; type: K; data: LiveEventPayloads[K] }
}[LiveEventType]

/** One entry under the Notifications button. */
export type NotificationItem = {
  [K in LiveEventType]: { id: number; type: K; data: LiveEventPayloads[K]; createdAt: string; read: boolean }
}[LiveEventType]

export interface NotificationsSnapshot {
  unread: number
  items: NotificationItem[]
}

/** A document as the home page lists it (also `GET /api/documents`). */
export interface DocumentListEntry {
  id: string
  title: string
  ownerId: string
  ownerName: string
  role: Role
  /** ISO-8601. */
  updatedAt: string
  /** Comment threads not resolved (absent in the offline list, which cannot know). */
  openThreads?: number
}

export function isLiveEventType(value: unknown): value is LiveEventType {
  return (LIVE_EVENT_TYPES as readonly unknown[]).includes(value)
}
