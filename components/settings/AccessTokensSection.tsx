'use client'

import { useState } from 'react'
import { LocalTime } from '@/components/documents/LocalTime'
import { Field } from '@/components/ui/Field'
import { dangerButton, primaryButton, secondaryButton } from '@/components/ui/buttonStyles'
import { useHydrated } from '@/components/ui/useHydrated'

/** A token as the list shows it (app/_data/personalTokens.ts); plain types, since components never import app/. */
export interface TokenView {
  id: string
  name: string
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

type Result = { ok: true; tokens: TokenView[]; created?: { token: string; name: string } } | { ok: false; error: string; tokens?: TokenView[] }

/**
 * Personal access tokens for scripts (README, "API for scripts"): make one
 * (its secret shown once, here), see them, revoke one. Tokens only read,
 * and, when asked for, create documents.
 */
export function AccessTokensSection({
  initialTokens,
  createToken,
  revokeToken,
}: {
  initialTokens: TokenView[]
  createToken: (name: string, allowCreate: boolean) => Promise<Result>
  revokeToken: (tokenId: string) => Promise<Result>
}) {
  const hydrated = useHydrated()
  const [tokens, setTokens] = useState(initialTokens)
  const [name, setName] = useState('')
  const [allowCreate, setAllowCreate] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState('')
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null)
  const [copied, setCopied] = useState(false)

  async function run(action: () => Promise<Result>) {
    setPending(true)
    setError('')
    try {
      const result = await action()
      if (result.tokens) setTokens(result.tokens)
      if (!result.ok) setError(result.error)
      return result
    } catch {
      setError('Something went wrong. Please try again.')
      return null
    } finally {
      setPending(false)
    }
  }

  async function handleCreate(event: React.FormEvent) {
    event.preventDefault()
    setCopied(false)
    const result = await run(() => createToken(name, allowCreate))
    if (result?.ok && result.created) {
      setCreated(result.created)
      setName('')
      setAllowCreate(false)
    }
  }

  const busy = pending || !hydrated
  return (
    <section aria-labelledby="settings-tokens" className="space-y-3">
      <h2 id="settings-tokens" className="text-lg font-semibold">
        Personal access tokens
      </h2>
      <p className="text-sm text-slate-600">
        For scripts: send one as <code>Authorization: Bearer …</code> to list, export and search your documents. A token can only read, unless you
        let it create documents too. It never edits or deletes anything.
      </p>
      {created ? (
        <div role="status" className="space-y-2 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          <p>
            Token “{created.name}” created. Copy it now: it will not be shown again.
          </p>
          <div className="flex items-center gap-2">
            <input
              readOnly
              aria-label="New token"
              value={created.token}
              onFocus={(event) => event.currentTarget.select()}
              className="block w-full rounded-md border border-green-300 bg-white px-2 py-1 font-mono text-xs"
            />
            <button
              type="button"
              className={secondaryButton}
              onClick={() => void navigator.clipboard?.writeText(created.token).then(() => setCopied(true), () => {})}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      ) : null}
      <form onSubmit={(event) => void handleCreate(event)} className="space-y-3" aria-label="New personal access token">
        <Field label="Token name" name="token-name" value={name} maxLength={100} onChange={(event) => setName(event.target.value)} placeholder="Backup script" />
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={allowCreate} onChange={(event) => setAllowCreate(event.target.checked)} />
          Can also create documents
        </label>
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <button type="submit" className={primaryButton} disabled={busy}>
          Create token
        </button>
      </form>
      {tokens.length > 0 ? (
        <ul aria-label="Personal access tokens" className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {tokens.map((token) => (
            <li key={token.id} aria-label={token.name} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
              <div>
                <p className="font-medium">
                  {token.name} <span className="font-normal text-slate-500">· {token.scopes.includes('create') ? 'read and create' : 'read only'}</span>
                </p>
                <p className="text-xs text-slate-500">
                  Created <LocalTime iso={token.createdAt} />
                  {token.lastUsedAt ? (
                    <>
                      {' '}
                      · last used <LocalTime iso={token.lastUsedAt} />
                    </>
                  ) : (
                    ' · never used'
                  )}
                  {token.revokedAt ? (
                    <>
                      {' '}
                      · <strong>revoked</strong> <LocalTime iso={token.revokedAt} />
                    </>
                  ) : null}
                </p>
              </div>
              {token.revokedAt ? null : (
                <button type="button" className={dangerButton} disabled={busy} onClick={() => void run(() => revokeToken(token.id))} aria-label={`Revoke ${token.name}`}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500">No tokens yet.</p>
      )}
    </section>
  )
}
