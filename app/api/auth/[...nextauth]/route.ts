import NextAuth from 'next-auth'
import type { NextRequest } from 'next/server'
import { getAuthOptions } from '@/app/_data/auth'
import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { throttleCredentialsSignIn } from '@/app/_http/credentialsSignIn'

type Context = { params: Promise<{ nextauth: string[] }> }

// Built per request from lazily read options: AUTH_SECRET is not known at build time.
async function handler(request: NextRequest, context: Context) {
  return NextAuth(request as never, context as never, getAuthOptions())
}

/** Password sign-in (`POST /api/auth/callback/credentials`) goes through the throttle first. */
async function POST(request: NextRequest, context: Context) {
  const { nextauth } = await context.params
  if (nextauth?.length === 2 && nextauth[0] === 'callback' && nextauth[1] === 'credentials') {
    const throttle = { db: await getDb(), trustProxyHops: getConfig().trustProxyHops }
    return throttleCredentialsSignIn(request, throttle, () => handler(request, context))
  }
  return handler(request, context)
}

export { handler as GET, POST }
