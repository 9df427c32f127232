/**
 * A signed-in user of the real web app, over HTTP only (no browser): sign
 * in and out through next-auth's own endpoints, and call a server action the
 * way the browser does (a POST naming the action's id from the build).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from './paths'

/** The `name=value` pairs a response sets, merged over `jar`. */
function mergeCookies(jar: Map<string, string>, response: Response): void {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name)
    else jar.set(name, value)
  }
}

export class HttpSession {
  private readonly jar = new Map<string, string>()

  constructor(readonly baseUrl: string) {}

  /** A session from a cookie made elsewhere (the bench mints its users' session cookies). */
  static withCookie(baseUrl: string, name: string, value: string): HttpSession {
    const session = new HttpSession(baseUrl)
    session.jar.set(name, value)
    return session
  }

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private async csrfToken(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/api/auth/csrf`, { headers: { cookie: this.cookie } })
    mergeCookies(this.jar, response)
    return ((await response.json()) as { csrfToken: string }).csrfToken
  }

  private async postForm(route: string, fields: Record<string, string>): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookie },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    })
    mergeCookies(this.jar, response)
    return response
  }

  async signIn(email: string, password: string): Promise<void> {
    const csrfToken = await this.csrfToken()
    await this.postForm('/api/auth/callback/credentials', { csrfToken, email, password, json: 'true' })
    if (![...this.jar.keys()].some((name) => name.includes('session-token'))) throw new Error(`sign-in as ${email} failed`)
  }

  async signOut(): Promise<void> {
    const csrfToken = await this.csrfToken()
    await this.postForm('/api/auth/signout', { csrfToken, json: 'true' })
  }

  /** Calls a server action (by its exported name) as a page on `pagePath` would; resolves once it has run. */
  async callAction(pagePath: string, name: string, args: unknown[]): Promise<void> {
    const response = await fetch(`${this.baseUrl}${pagePath}`, {
      method: 'POST',
      headers: {
        'next-action': serverActionId(name),
        'content-type': 'text/plain;charset=UTF-8',
        accept: 'text/x-component',
        origin: this.baseUrl,
        cookie: this.cookie,
      },
      body: JSON.stringify(args),
    })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`server action ${name} answered ${response.status}`)
  }
}

/** A server action's id in the current build (`.next/server/server-reference-manifest.json`). */
export function serverActionId(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, '.next/server/server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string }>
  }
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name)
  if (!found) throw new Error(`no server action named ${name} in the build`)
  return found[0]
}
