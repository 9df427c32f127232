import NextAuth from 'next-auth'
import type { NextRequest } from 'next/server'
import { getAuthOptions } from '@/app/_data/auth'

type Context = { params: Promise<{ nextauth: string[] }> }

// Built per request from lazily read options: AUTH_SECRET is not known at build time.
async function handler(request: NextRequest, context: Context) {
  return NextAuth(request as never, context as never, getAuthOptions())
}

export { handler as GET, handler as POST }
