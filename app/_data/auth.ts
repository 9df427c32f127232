import 'server-only'
import type { NextAuthOptions } from 'next-auth'
import type { Provider } from 'next-auth/providers/index'
import CredentialsProvider from 'next-auth/providers/credentials'
import GitHubProvider from 'next-auth/providers/github'
import GoogleProvider from 'next-auth/providers/google'
import { safeRedirectUrl } from '@/components/auth/safeCallbackUrl'
import { getConfig, type OAuthProviderConfig } from './config'
import { getDb } from './db'
import { getLive } from './events/live'
import { newId } from './ids'
import { acceptInvitations } from './invitations'
import { findOrCreateOAuthUser, getSessionVersion, verifyPassword, type OAuthProfile } from './users'

/** Sessions last a week; the JWT is re-issued as it is used. */
const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60

function oauthProvider(config: OAuthProviderConfig): Provider {
  switch (config.id) {
    case 'github':
      return GitHubProvider({ clientId: config.clientId, clientSecret: config.clientSecret })
    case 'google':
      return GoogleProvider({ clientId: config.clientId, clientSecret: config.clientSecret })
    case 'oidc':
      return {
        id: 'oidc',
        name: config.label,
        type: 'oauth',
        wellKnown: `${config.issuer!.replace(/\/+$/, '')}/.well-known/openid-configuration`,
        authorization: { params: { scope: 'openid email profile' } },
        idToken: true,
        checks: ['pkce', 'state'],
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        profile: (profile: { sub: string; email?: string; name?: string }) => ({
          id: profile.sub,
          email: profile.email,
          name: profile.name,
        }),
      }
  }
}

/**
 * Whether the provider vouches for the address. Only an explicit
 * `email_verified: true` (Google, OIDC) counts; GitHub sends none, so those
 * accounts verify by email like password ones.
 */
function providerVerifiedEmail(profile: unknown): boolean {
  const claim = (profile as { email_verified?: unknown } | undefined)?.email_verified
  return claim === true || claim === 'true'
}

/** What the JWT carries beside next-auth's own fields. */
interface SessionClaims {
  /** The user's session version when this session began (users.session_version). */
  sv?: number
  /** When the person last proved who they are (signed in), ms since the epoch: deleting an account without a password asks for a recent one. */
  authAt?: number
}

let cachedOptions: NextAuthOptions | undefined

/**
 * next-auth's options, built on first use (they need AUTH_SECRET, which must
 * not be read at build time). The session is a JWT whose `sub` is our user id.
 */
export function getAuthOptions(): NextAuthOptions {
  if (cachedOptions) return cachedOptions
  const config = getConfig()
  cachedOptions = {
    secret: config.authSecret,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null
          const user = await verifyPassword(await getDb(), credentials.email, credentials.password)
          return user ? { id: user.id, email: user.email, name: user.name, emailVerified: user.emailVerified } : null
        },
      }),
      ...config.oauthProviders.map(oauthProvider),
    ],
    events: {
      /** Every web app process closes this session's live-event streams (GET /api/events). */
      async signOut({ token }) {
        const userId = typeof token?.sub === 'string' ? token.sub : null
        if (!userId) return
        const { bus } = await getLive()
        await bus
          .publish({ kind: 'session-ended', userId, sessionId: typeof token.sid === 'string' ? token.sid : null })
          .catch((error) => console.error('[live events] sign-out notice failed:', error))
      },
    },
    callbacks: {
      /**
       * Where next-auth sends people after signing in or out (OAuth callbacks,
       * `callbackUrl` posted to it): our own origin, on a path that passes the
       * same check as the sign-in page's, else home. next-auth's default
       * accepts any `/…` string, tab-smuggled hosts included.
       */
      redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
      /** OAuth identities map to a local user; refusing here shows an error on /signin. */
      async signIn({ account, user, profile }) {
        if (!account || account.type === 'credentials') {
          // A verified account signing in picks up invitations that arrived for its address meanwhile.
          const signedIn = user as { id?: string; email?: string | null; emailVerified?: boolean }
          if (signedIn.id && signedIn.email && signedIn.emailVerified) await acceptInvitations(await getDb(), { id: signedIn.id, email: signedIn.email }, (await getLive()).bus)
          return true
        }
        const db = await getDb()
        const result = await findOrCreateOAuthUser(db, oauthProfile(account, user, profile))
        if (result.ok && result.user.emailVerified) await acceptInvitations(db, result.user, (await getLive()).bus)
        return result.ok ? true : `/signin?error=${result.reason === 'email-in-use' ? 'OAuthAccountNotLinked' : 'OAuthSignin'}`
      },
      /**
       * Runs whenever a session is read (every request that asks who is
       * signed in). A session whose version is not the user's current one
       * (a password change or reset, "Sign out everywhere") comes back empty,
       * which signs it out; so does one whose user was deleted.
       */
      async jwt({ token, account, user, profile }) {
        const claims = token as typeof token & SessionClaims
        const db = await getDb()
        // The session's own id, made once at sign-in and carried by every re-issued JWT:
        // signing out ends the live-event streams of this session only (app/_data/events/).
        if (user && typeof token.sid !== 'string') token.sid = newId()
        if (account && account.type !== 'credentials') {
          // The provider's id is not ours: look up the local user created in signIn().
          const result = await findOrCreateOAuthUser(db, oauthProfile(account, user, profile))
          if (result.ok) {
            token.sub = result.user.id
            token.name = result.user.name
            token.email = result.user.email
          }
        }
        if (user && token.sub) {
          // Signing in: the session starts at the user's current version.
          claims.sv = (await getSessionVersion(db, token.sub)) ?? 0
          claims.authAt = Date.now()
          return token
        }
        if (!token.sub) return token
        const current = await getSessionVersion(db, token.sub)
        if (current === null || current !== (claims.sv ?? 0)) return {}
        return token
      },
      async session({ session, token }) {
        if (session.user && token.sub) session.user.id = token.sub
        else if (session.user) session.user = undefined
        const authAt = (token as SessionClaims).authAt
        if (session.user && typeof authAt === 'number') session.user.authAt = authAt
        return session
      },
    },
  }
  return cachedOptions
}


function oauthProfile(account: { provider: string; providerAccountId: string }, user: { email?: string | null; name?: string | null } | undefined, profile: unknown): OAuthProfile {
  return {
    provider: account.provider,
    providerAccountId: account.providerAccountId,
    email: user?.email,
    name: user?.name,
    emailVerified: providerVerifiedEmail(profile),
  }
}
