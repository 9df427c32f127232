import type { DocumentListEntry, LiveEvent } from '@/lib/liveEvents'

/** Newest edit first, then by id: the order the server lists in. */
function byLastEdited(a: DocumentListEntry, b: DocumentListEntry): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * The document list after one live event, or `'refetch'` when the event
 * does not carry a whole row (a new share: the owner's name, the edit time)
 * and the list should be read again.
 */
export function applyListEvent(list: DocumentListEntry[], event: LiveEvent): DocumentListEntry[] | 'refetch' {
  const { documentId } = event.data
  switch (event.type) {
    case 'document.shared':
      return 'refetch'
    case 'document.unshared':
    case 'document.deleted':
      return list.filter((doc) => doc.id !== documentId)
    case 'document.renamed':
      return list.map((doc) => (doc.id === documentId ? { ...doc, title: event.data.title } : doc))
    case 'document.role-changed':
      return list.map((doc) => (doc.id === documentId && doc.role !== 'owner' ? { ...doc, role: event.data.role } : doc))
    case 'document.edited':
      return list
        .map((doc) => (doc.id === documentId && event.data.editedAt > doc.updatedAt ? { ...doc, updatedAt: event.data.editedAt } : doc))
        .sort(byLastEdited)
    case 'comment.mentioned':
    case 'comment.replied':
      return list
    case 'comment.changed':
      // A thread opened, resolved or deleted changes the document's open count: read the list again.
      return event.data.change === 'replied' || event.data.change === 'edited' || event.data.change === 'reply-deleted' || event.data.change === 'moved' ? list : 'refetch'
  }
}

/** Events that add to the bell: read the notifications again. */
export function changesNotifications(event: LiveEvent): boolean {
  return event.type !== 'document.renamed' && event.type !== 'document.edited' && event.type !== 'comment.changed'
}
