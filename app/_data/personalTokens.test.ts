import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Db } from './db'

vi.mock('server-only', () => ({}))
// apiCaller reads the process database and, without a token, the session: here, the test's database and nobody.
let currentDb: Db
vi.mock('./db', async (original) => ({ ...(await original<typeof import('./db')>()), getDb: async () => currentDb }))
vi.mock('./session', () => ({ getCurrentUser: async () => null }))

const { addUser, testDatabaseKinds } = await import('../../testkit/appDb')
const tokens = await import('./personalTokens')
const { apiCaller } = await import('./apiCaller')

const bearer = (token: string, method = 'GET') =>
  new Request('http://tandem.test/api/docs', { method, headers: { authorization: `Bearer ${token}` } })

describe.each(await testDatabaseKinds())('personal access tokens ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  beforeEach(async () => {
    t = await kind.create()
    currentDb = t.db
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('stores only a hash, shows the secret once, and lists the token without it', async () => {
    const ada = await addUser(t.db, 'Ada')
    const { token, record } = await tokens.createPersonalToken(t.db, ada.id, '  backup   script ', ['read'])
    expect(token).toMatch(/^tdm_pat_[A-Za-z0-9_-]{43}$/)
    expect(record).toMatchObject({ name: 'backup script', scopes: ['read'], revokedAt: null })
    const stored = await t.db.selectFrom('personal_access_tokens').selectAll().execute()
    expect(stored).toHaveLength(1)
    expect(JSON.stringify(stored)).not.toContain(token.slice(tokens.TOKEN_PREFIX.length))
    expect(await tokens.listPersonalTokens(t.db, ada.id)).toEqual([record])
  })

  it('lets a read-only token read and not create; a create token do both', async () => {
    const ada = await addUser(t.db, 'Ada')
    const reader = await tokens.createPersonalToken(t.db, ada.id, 'reader', ['read'])
    const creator = await tokens.createPersonalToken(t.db, ada.id, 'creator', ['create'])
    expect(creator.record.scopes).toEqual(['read', 'create'])

    const read = await apiCaller(bearer(reader.token), 'read')
    expect(read).toMatchObject({ ok: true, via: 'token', user: { id: ada.id } })
    const refused = await apiCaller(bearer(reader.token, 'POST'), 'create')
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.response.status).toBe(403)
      expect(await refused.response.json()).toMatchObject({ error: 'insufficient-scope' })
    }
    expect(await apiCaller(bearer(creator.token, 'POST'), 'create')).toMatchObject({ ok: true, user: { id: ada.id } })
  })

  it('refuses a revoked token, an unknown one and a malformed header, and only the owner revokes', async () => {
    const ada = await addUser(t.db, 'Ada')
    const bob = await addUser(t.db, 'Bob')
    const { token, record } = await tokens.createPersonalToken(t.db, ada.id, 'laptop', ['read'])
    expect(await tokens.revokePersonalToken(t.db, bob.id, record.id)).toBe(false)
    expect(await tokens.authenticatePersonalToken(t.db, token)).toMatchObject({ user: { id: ada.id } })

    expect(await tokens.revokePersonalToken(t.db, ada.id, record.id)).toBe(true)
    expect(await tokens.revokePersonalToken(t.db, ada.id, record.id)).toBe(false)
    expect(await tokens.authenticatePersonalToken(t.db, token)).toBeNull()
    const [listed] = await tokens.listPersonalTokens(t.db, ada.id)
    expect(listed.revokedAt).not.toBeNull()

    for (const request of [
      bearer(token),
      bearer(`${tokens.TOKEN_PREFIX}not-a-real-one`),
      new Request('http://tandem.test/api/docs', { headers: { authorization: 'Basic abc' } }),
    ]) {
      const result = await apiCaller(request, 'read')
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.response.status).toBe(401)
    }
  })

  it('records when a token was last used', async () => {
    const ada = await addUser(t.db, 'Ada')
    const { token } = await tokens.createPersonalToken(t.db, ada.id, 'cron', ['read'])
    await tokens.authenticatePersonalToken(t.db, token)
    const [listed] = await tokens.listPersonalTokens(t.db, ada.id)
    expect(listed.lastUsedAt).not.toBeNull()
  })

  it('goes with its account', async () => {
    const ada = await addUser(t.db, 'Ada')
    const { token } = await tokens.createPersonalToken(t.db, ada.id, 'cron', ['read'])
    await t.db.deleteFrom('users').where('id', '=', ada.id).execute()
    expect(await tokens.authenticatePersonalToken(t.db, token)).toBeNull()
    expect(await t.db.selectFrom('personal_access_tokens').selectAll().execute()).toEqual([])
  })
})
