import 'server-only'
import { getConfig } from '@/app/_data/config'
import { sendMail } from '@/app/_data/mail/mailer'
import type { Outgoing } from '@/app/_data/mail/outgoing'

/**
 * The origin emailed links point at: NEXTAUTH_URL when set (do set it with
 * SMTP_URL: a request's Host is whatever its sender wrote), else the request's
 * own, with the scheme and host a trusted proxy forwarded (TRUST_PROXY).
 */
export function publicOrigin(headers: Headers): string {
  const config = getConfig()
  if (config.publicUrl) return config.publicUrl
  const forwarded = config.trustProxyHops > 0
  const proto = (forwarded && headers.get('x-forwarded-proto')?.split(',')[0].trim()) || 'http'
  const host = (forwarded && headers.get('x-forwarded-host')?.split(',')[0].trim()) || headers.get('host') || 'localhost'
  return `${proto === 'https' ? 'https' : 'http'}://${host}`
}

/** The process's mail queue, with links on this request's public origin. */
export function outgoingFor(headers: Headers): Outgoing {
  return { origin: publicOrigin(headers), send: sendMail }
}
