import type { NotificationItem } from '@/lib/liveEvents'

const ROLE_WORD = { viewer: 'viewer', commenter: 'commenter', editor: 'editor' } as const

/** One notification in words, and where it leads (nowhere once access is gone). */
export function describeNotification(item: NotificationItem): { text: string; href: string | null } {
  switch (item.type) {
    case 'document.shared':
      return { text: `${item.data.by.name} shared “${item.data.title}” with you as ${ROLE_WORD[item.data.role]}`, href: `/d/${item.data.documentId}` }
    case 'document.role-changed':
      return { text: `${item.data.by.name} made you ${ROLE_WORD[item.data.role]} of “${item.data.title}”`, href: `/d/${item.data.documentId}` }
    case 'document.unshared':
      return { text: `${item.data.by.name} removed your access to “${item.data.title}”`, href: null }
    case 'document.deleted':
      return { text: `${item.data.by.name} deleted “${item.data.title}”`, href: null }
    case 'document.renamed':
      return { text: `“${item.data.title}” was renamed`, href: `/d/${item.data.documentId}` }
    case 'document.edited':
      return { text: `${item.data.by.name} edited a document`, href: `/d/${item.data.documentId}` }
    case 'comment.mentioned':
      return { text: `${item.data.by.name} mentioned you in a comment on “${item.data.title}”`, href: `/d/${item.data.documentId}?thread=${item.data.threadId}` }
    case 'comment.replied':
      return { text: `${item.data.by.name} replied to your comment thread on “${item.data.title}”`, href: `/d/${item.data.documentId}?thread=${item.data.threadId}` }
    case 'comment.changed':
      return { text: `${item.data.by.name} commented on a document`, href: `/d/${item.data.documentId}?thread=${item.data.threadId}` }
  }
}
