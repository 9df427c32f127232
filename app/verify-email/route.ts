import { NextResponse, type NextRequest } from 'next/server'
import { verifyEmail } from '@/app/_data/accountEmails'
import { getDb } from '@/app/_data/db'

/**
 * GET /verify-email?token=…: the link in the verification mail. Using it
 * only proves the address (a mail scanner that follows it proves the same),
 * then sends the person home with a word about how it went.
 */
export async function GET(request: NextRequest) {
  const user = await verifyEmail(await getDb(), request.nextUrl.searchParams.get('token'))
  const target = new URL(`/?email=${user ? 'verified' : 'link-expired'}`, request.nextUrl.origin)
  // Relative, so a proxy's public host is kept.
  return new NextResponse(null, { status: 303, headers: { location: `${target.pathname}${target.search}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } })
}
