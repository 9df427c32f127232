import 'server-only'
import path from 'node:path'
import { resolveAuthSecret } from '@/lib/node/authSecret'

/**
 * The web app's only reader of `process.env`. Everything is read lazily, at
 * request time, never at import: `next build` imports these modules, and a
 * value read then would be baked into the build (or, for AUTH_SECRET, a
 * secret file would be written into the build machine's DATA_DIR).
 */
export interface OAuthProviderConfig {
  id: 'github' | 'google' | 'oidc'
  clientId: string
  clientSecret: string
  /** OIDC only: the issuer URL, whose /.well-known/openid-configuration is read. */
  issuer?: string
  /** The button label on the sign-in page. */
  label: string
}

export interface AppConfig {
  dataDir: string
  /** PostgreSQL connection string; SQLite at DATA_DIR/app.db when unset. */
  databaseUrl: string | undefined
  authSecret: string
  /** What the browser connects to; `null` means "the page's own host on syncPort". */
  syncUrl: string | null
  syncPort: number
  /** Where this server reaches the sync server's HTTP API (delete, access changes). */
  syncHttpUrl: string
  oauthProviders: OAuthProviderConfig[]
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For
   * (TRUST_PROXY); 0: none, the TCP peer is the client (app/_http/clientAddress.ts).
   */
  trustProxyHops: number
  /** REDIS_URL: when set, live events reach every web app process over Redis pub/sub (app/_data/events/). */
  redisUrl: string | undefined
  /** SMTP_URL (`smtp://user:pass@host:port`, `smtps://…`); null: mail goes to DATA_DIR/outbox/ as .eml files. */
  smtpUrl: string | null
  /** EMAIL_FROM: the From of every message. */
  emailFrom: string
  /** NEXTAUTH_URL without a trailing slash: the origin put in emailed links; null: the request's own. */
  publicUrl: string | null
}

export const DEFAULT_EMAIL_FROM = 'Tandem <no-reply@localhost>'

/** SMTP_URL must name an SMTP server; a typo would otherwise only show when the first message fails. */
export function readSmtpUrl(value: string | undefined): string | null {
  const text = (value ?? '').trim()
  if (!text) return null
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error('SMTP_URL is not a URL: write it as smtp://user:password@host:port or smtps://user:password@host:port.')
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//.`)
  }
  return text
}

const DEFAULT_SYNC_PORT = 1234

function readPort(value: string | undefined, fallback: number): number {
  const port = Number(value)
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : fallback
}

function readOAuthProviders(env: Record<string, string | undefined>): OAuthProviderConfig[] {
  const providers: OAuthProviderConfig[] = []
  if (env.GITHUB_ID && env.GITHUB_SECRET) {
    providers.push({ id: 'github', clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET, label: 'GitHub' })
  }
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) {
    providers.push({ id: 'google', clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET, label: 'Google' })
  }
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
    providers.push({
      id: 'oidc',
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      issuer: env.OIDC_ISSUER,
      label: env.OIDC_NAME || 'single sign-on',
    })
  }
  return providers
}

/** More hops than any real deployment has: a typo such as `TRUST_PROXY=10000` is refused rather than trusted. */
const MAX_TRUST_PROXY_HOPS = 10

/**
 * TRUST_PROXY: unset, empty, `0` or `false` for none; a number of proxies
 * (`true` means 1). Anything else stops the app: guessing could let a spoofed
 * header decide whom sign-in throttling counts against.
 */
export function readTrustProxy(value: string | undefined): number {
  const text = (value ?? '').trim().toLowerCase()
  if (text === '' || text === 'false') return 0
  if (text === 'true') return 1
  const hops = Number(text)
  if (/^\d+$/.test(text) && hops <= MAX_TRUST_PROXY_HOPS) return hops
  throw new Error(
    `TRUST_PROXY=${value} is not understood: set it to the number of reverse proxies in front of the web app (1 for one nginx), or leave it unset when clients connect directly.`,
  )
}

/** Builds the config from an environment; exported for tests. */
export function readConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // turbopackIgnore: DATA_DIR is a run-time location, not a source file to trace into the build.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR || './data')
  const syncPort = readPort(env.SYNC_PORT, DEFAULT_SYNC_PORT)
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    authSecret: resolveAuthSecret(env.AUTH_SECRET, dataDir).secret,
    syncUrl: env.SYNC_URL || null,
    syncPort,
    syncHttpUrl: (env.SYNC_HTTP_URL || `http://127.0.0.1:${syncPort}`).replace(/\/+$/, ''),
    oauthProviders: readOAuthProviders(env),
    trustProxyHops: readTrustProxy(env.TRUST_PROXY),
    redisUrl: env.REDIS_URL || undefined,
    smtpUrl: readSmtpUrl(env.SMTP_URL),
    emailFrom: env.EMAIL_FROM?.trim() || DEFAULT_EMAIL_FROM,
    publicUrl: env.NEXTAUTH_URL ? env.NEXTAUTH_URL.replace(/\/+$/, '') : null,
  }
}

let cached: AppConfig | undefined

/** The process's config, read on first use. */
export function getConfig(): AppConfig {
  if (!cached) {
    cached = readConfig()
    trustRequestHost()
  }
  return cached
}

/**
 * next-auth v4 builds its callback URLs and picks secure cookie names from
 * NEXTAUTH_URL. Self-hosters run `npm start` without setting it, so unless they
 * do, we let next-auth derive the origin from the request's Host and
 * X-Forwarded-Proto headers (its AUTH_TRUST_HOST switch). Behind a reverse
 * proxy, either forward those headers or set NEXTAUTH_URL to the public URL.
 */
function trustRequestHost(): void {
  if (!process.env.NEXTAUTH_URL && !process.env.AUTH_TRUST_HOST) process.env.AUTH_TRUST_HOST = 'true'
}
