import { describe, expect, it } from 'vitest'
import type { DocumentListEntry } from '@/lib/liveEvents'
import { applyListEvent } from './liveDocumentList'

const row = (id: string, updatedAt: string, extra: Partial<DocumentListEntry> = {}): DocumentListEntry => ({
  id,
  title: `Doc ${id}`,
  ownerId: 'alice',
  ownerName: 'Alice',
  role: 'editor',
  updatedAt,
  ...extra,
})
const by = { id: 'alice', name: 'Alice' }

describe('the live document list', () => {
  const list = [row('a', '2026-12-02T10:00:00.000Z'), row('b', '2026-12-02T09:00:00.000Z')]

  it('asks for the list again on a share, which carries no whole row', () => {
    expect(applyListEvent(list, { id: 1, type: 'document.shared', data: { documentId: 'c', title: 'C', role: 'viewer', by } })).toBe('refetch')
  })

  it('drops a document that was unshared or deleted', () => {
    expect(applyListEvent(list, { id: 2, type: 'document.unshared', data: { documentId: 'a', title: 'A', by } })).toEqual([list[1]])
    expect(applyListEvent(list, { id: 3, type: 'document.deleted', data: { documentId: 'b', title: 'B', by } })).toEqual([list[0]])
  })

  it('renames, changes a role, and moves an edited document to the top', () => {
    expect(applyListEvent(list, { id: 4, type: 'document.renamed', data: { documentId: 'b', title: 'Plan' } })).toMatchObject([{ id: 'a' }, { id: 'b', title: 'Plan' }])
    expect(applyListEvent(list, { id: 5, type: 'document.role-changed', data: { documentId: 'a', role: 'viewer', title: 'A', by } })).toMatchObject([{ role: 'viewer' }, { role: 'editor' }])
    const edited = applyListEvent(list, { id: 6, type: 'document.edited', data: { documentId: 'b', editedAt: '2026-12-02T11:00:00.000Z', by } })
    expect(edited).toMatchObject([{ id: 'b', updatedAt: '2026-12-02T11:00:00.000Z' }, { id: 'a' }])
    // An older report (replayed late) never moves "last edited" back.
    const stale = applyListEvent(list, { id: 7, type: 'document.edited', data: { documentId: 'a', editedAt: '2026-12-02T08:00:00.000Z', by } })
    expect(stale).toEqual(list)
  })
})
