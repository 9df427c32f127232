import { NextResponse, type NextRequest } from 'next/server'
import { getLive } from '@/app/_data/events/live'
import { lastEventId } from '@/app/_data/events/store'
import { readStreamSession } from '@/app/_data/events/streamSession'
import { HEARTBEAT, HEARTBEAT_MS, PREAMBLE, SESSION_ENDED, formatEvent, parseEventId } from '@/app/_data/events/sse'
import { getDb } from '@/app/_data/db'
import type { LiveEvent } from '@/lib/liveEvents'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** More streams than one person's tabs: beyond it a client is refused rather than allowed to pile up memory. */
const MAX_STREAMS_PER_USER = 20
/** Bytes a stream may have waiting for a client that does not read; past them it is closed (it reconnects and replays). */
const MAX_QUEUED_BYTES = 1024 * 1024

const MAX_TIMER_MS = 24 * 60 * 60 * 1000

const openPerUser = new Map<string, number>()

/**
 * GET /api/events: the signed-in user's live events as text/event-stream
 * (events documented in README, "Live updates"). Resumes after
 * `Last-Event-ID` (the browser's reconnect) or `?after=` (a page's first
 * connection); with neither, starts from now. 401 without a session; the
 * stream ends when the session does (sign-out, expiry).
 */
export async function GET(request: NextRequest) {
  const noStore = { 'cache-control': 'no-store' }
  const session = await readStreamSession(request)
  if (!session) return NextResponse.json({ error: 'signed-out' }, { status: 401, headers: noStore })
  const { userId } = session
  if ((openPerUser.get(userId) ?? 0) >= MAX_STREAMS_PER_USER) {
    return NextResponse.json({ error: 'too-many-streams' }, { status: 429, headers: { ...noStore, 'retry-after': '30' } })
  }
  const resumeFrom = parseEventId(request.headers.get('last-event-id')) ?? parseEventId(request.nextUrl.searchParams.get('after'))
  const startAfter = resumeFrom ?? (await lastEventId(await getDb(), userId))
  const { hub } = await getLive()

  const encoder = new TextEncoder()
  let finish: () => void = () => {}
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        openPerUser.set(userId, (openPerUser.get(userId) ?? 0) + 1)
        let done = false
        const send = (text: string) => {
          if (done) return
          try {
            controller.enqueue(encoder.encode(text))
          } catch {
            // The client went away before cancel() reached us.
            finish()
            return
          }
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) finish()
        }
        const heartbeat = setInterval(() => send(HEARTBEAT), HEARTBEAT_MS)
        // setTimeout fires at once past 2^31 ms (about 24 days), and a JWT can last longer: re-arm in steps.
        let expiry: ReturnType<typeof setTimeout>
        const armExpiry = () => {
          const left = session.expiresAt - Date.now()
          expiry = left <= 0 ? setTimeout(() => end(), 0) : setTimeout(armExpiry, Math.min(left, MAX_TIMER_MS))
        }
        armExpiry()
        const unsubscribe = hub.subscribe({
          userId,
          sessionId: session.sessionId,
          lastId: startAfter,
          deliver: (events: LiveEvent[]) => send(events.map(formatEvent).join('')),
          end: () => end(),
        })
        finish = () => {
          if (done) return
          done = true
          clearInterval(heartbeat)
          clearTimeout(expiry)
          unsubscribe()
          request.signal.removeEventListener('abort', finish)
          const left = (openPerUser.get(userId) ?? 1) - 1
          if (left > 0) openPerUser.set(userId, left)
          else openPerUser.delete(userId)
          try {
            controller.close()
          } catch {
            // Already closed by the client going away.
          }
        }
        const end = () => {
          send(SESSION_ENDED)
          finish()
        }
        request.signal.addEventListener('abort', finish)
        send(PREAMBLE)
      },
      cancel() {
        finish()
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  )

  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: neither Next.js's compression nor a proxy may buffer the stream to gzip it.
      'cache-control': 'no-store, no-transform',
      // nginx: pass each chunk on at once instead of buffering the response.
      'x-accel-buffering': 'no',
    },
  })
}
