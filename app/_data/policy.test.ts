import { describe, expect, it } from 'vitest'
import { Action, can, isHigherRole, liveAccessForRole, tokenAccessForRole, type Role } from './policy'

// proves: COMMENTS-1
describe('policy: who may do what', () => {
  const table: Record<Role | 'none', Action[]> = {
    owner: ['read', 'comment', 'moderate-comments', 'write', 'rename', 'share', 'delete'],
    editor: ['read', 'comment', 'write', 'rename'],
    commenter: ['read', 'comment'],
    viewer: ['read'],
    none: [],
  }

  for (const [role, allowed] of Object.entries(table)) {
    it(`${role} may ${allowed.join(', ') || 'nothing'}`, () => {
      for (const action of Object.values(Action)) {
        expect(can(role === 'none' ? null : (role as Role), action), action).toBe(allowed.includes(action))
      }
    })
  }

  it('maps roles to token access and live access', () => {
    expect([tokenAccessForRole('owner'), tokenAccessForRole('editor'), tokenAccessForRole('viewer')]).toEqual(['admin', 'write', 'read'])
    expect([liveAccessForRole('editor'), liveAccessForRole('viewer'), liveAccessForRole(null)]).toEqual(['write', 'read', 'none'])
  })

  // proves: COMMENTS-2
  it('gives a commenter the sync server access of a viewer: read, never write', () => {
    expect(tokenAccessForRole('commenter')).toBe('read')
    expect(liveAccessForRole('commenter')).toBe('read')
  })

  it('orders roles', () => {
    expect(isHigherRole('editor', 'viewer')).toBe(true)
    expect(isHigherRole('viewer', 'editor')).toBe(false)
    expect(isHigherRole('editor', 'editor')).toBe(false)
    expect(isHigherRole('commenter', 'viewer')).toBe(true)
    expect(isHigherRole('editor', 'commenter')).toBe(true)
  })
})
