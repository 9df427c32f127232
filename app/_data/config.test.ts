import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

/** At least 32 bytes: resolveAuthSecret refuses anything shorter (lib/node/authSecret.ts). */
const SECRET = 'app-config-test-secret-of-32-bytes'

vi.mock('server-only', () => ({}))
const { readConfig, readTrustProxy } = await import('./config')

describe('web app configuration', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-config-test-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('defaults: sync server on this host at 1234, its API on 127.0.0.1, no OAuth', () => {
    const config = readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET })
    expect(config).toMatchObject({ syncUrl: null, syncPort: 1234, syncHttpUrl: 'http://127.0.0.1:1234', authSecret: SECRET, oauthProviders: [] })
  })

  it('mail: the outbox directory and a default From without SMTP_URL; SMTP_URL, EMAIL_FROM and NEXTAUTH_URL when set', () => {
    expect(readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET })).toMatchObject({
      smtpUrl: null,
      emailFrom: 'Tandem <no-reply@localhost>',
      publicUrl: null,
    })
    const config = readConfig({
      DATA_DIR: tempDir(),
      AUTH_SECRET: SECRET,
      SMTP_URL: 'smtps://mailer:secret@mail.example.com:465',
      EMAIL_FROM: 'Docs <docs@example.com>',
      NEXTAUTH_URL: 'https://docs.example.com/',
    })
    expect(config).toMatchObject({ smtpUrl: 'smtps://mailer:secret@mail.example.com:465', emailFrom: 'Docs <docs@example.com>', publicUrl: 'https://docs.example.com' })
  })

  it('refuses an SMTP_URL that does not name an SMTP server', () => {
    expect(() => readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET, SMTP_URL: 'mail.example.com' })).toThrow(/SMTP_URL is not a URL/)
    expect(() => readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET, SMTP_URL: 'http://mail.example.com' })).toThrow(/smtp:\/\/ or smtps:\/\//)
  })

  it('follows SYNC_PORT, SYNC_URL and SYNC_HTTP_URL', () => {
    const config = readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET, SYNC_PORT: '4321', SYNC_URL: 'wss://sync.example.com' })
    expect(config).toMatchObject({ syncUrl: 'wss://sync.example.com', syncPort: 4321, syncHttpUrl: 'http://127.0.0.1:4321' })
    expect(readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET, SYNC_HTTP_URL: 'http://sync:1234/' }).syncHttpUrl).toBe('http://sync:1234')
  })

  it('shares the generated secret file with the sync server when AUTH_SECRET is unset', () => {
    const dataDir = tempDir()
    const first = readConfig({ DATA_DIR: dataDir })
    expect(first.authSecret.length).toBeGreaterThan(20)
    expect(readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim()).toBe(first.authSecret)
    expect(readConfig({ DATA_DIR: dataDir }).authSecret).toBe(first.authSecret)
  })

  it('trusts no proxy unless TRUST_PROXY says how many there are, and refuses values it cannot read', () => {
    expect(readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET }).trustProxyHops).toBe(0)
    expect(readConfig({ DATA_DIR: tempDir(), AUTH_SECRET: SECRET, TRUST_PROXY: '2' }).trustProxyHops).toBe(2)
    expect([undefined, '', '0', 'false', 'FALSE'].map(readTrustProxy)).toEqual([0, 0, 0, 0, 0])
    expect([' 1 ', 'true', '3'].map(readTrustProxy)).toEqual([1, 1, 3])
    for (const bad of ['yes', '-1', '1.5', '10.0.0.0/8', '100']) expect(() => readTrustProxy(bad)).toThrow(/number of reverse proxies/)
  })

  it('switches on each OAuth provider only when all its variables are set', () => {
    const env = {
      DATA_DIR: tempDir(),
      AUTH_SECRET: SECRET,
      GITHUB_ID: 'gh',
      GITHUB_SECRET: 'ghs',
      GOOGLE_CLIENT_ID: 'only-half',
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'oid',
      OIDC_CLIENT_SECRET: 'oids',
      OIDC_NAME: 'Example SSO',
    }
    expect(readConfig(env).oauthProviders.map((p) => [p.id, p.label])).toEqual([
      ['github', 'GitHub'],
      ['oidc', 'Example SSO'],
    ])
  })
})
