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
  // A relative Location keeps whatever public host a proxy in front uses.
  const location = `/?email=${user ? 'verified' : 'link-expired'}`
  return new NextResponse(null, { status: 303, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } })
}
