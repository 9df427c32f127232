import 'server-only'
import type { MailMessage } from './transport'

/**
 * The words of each message, in plain text and HTML. Names and titles come
 * from users, so the HTML escapes them; every link is absolute, on the app's
 * public origin.
 */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function compose(to: string, subject: string, paragraphs: string[], action: { label: string; url: string }, footer: string): MailMessage {
  const text = [...paragraphs, `${action.label}: ${action.url}`, footer].join('\n\n') + '\n'
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#0f172a">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:8px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>`,
    `<p style="font-size:13px;color:#475569">Or paste this address into your browser: ${escapeHtml(action.url)}</p>`,
    `<p style="font-size:13px;color:#475569">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n')
  return { to, subject, text, html, link: action.url }
}

export function verificationMessage(to: string, name: string, url: string): MailMessage {
  return compose(
    to,
    'Confirm your email for Tandem',
    [`Hello ${name},`, 'Confirm that this is your email address to finish setting up your Tandem account. The link works once, for 24 hours.'],
    { label: 'Confirm my email', url },
    'If you did not create a Tandem account, ignore this message.',
  )
}

export function passwordResetMessage(to: string, name: string, url: string): MailMessage {
  return compose(
    to,
    'Reset your Tandem password',
    [`Hello ${name},`, 'Someone asked to reset the password of your Tandem account. The link works once, for one hour; setting a new password signs you out everywhere else.'],
    { label: 'Choose a new password', url },
    'If it was not you, ignore this message: your password stays as it is.',
  )
}

/** What a role lets someone do, as a verb ("edit", "comment on", "view"). */
function roleVerb(role: string): string {
  return role === 'editor' ? 'edit' : role === 'commenter' ? 'comment on' : 'view'
}

export function invitationMessage(to: string, inviterName: string, title: string, role: string, url: string): MailMessage {
  return compose(
    to,
    `${inviterName} invited you to “${title}” on Tandem`,
    [`${inviterName} invited you to ${roleVerb(role)} “${title}” on Tandem.`, `Create an account with this email address (${to}) to open it.`],
    { label: 'Accept the invitation', url },
    'If you do not know the sender, ignore this message.',
  )
}

export function sharedMessage(to: string, inviterName: string, title: string, role: string, url: string): MailMessage {
  return compose(
    to,
    `${inviterName} shared “${title}” with you`,
    [`${inviterName} shared “${title}” with you on Tandem: you can ${roleVerb(role)} it.`],
    { label: 'Open the document', url },
    'You receive this because someone shared a document with your Tandem account.',
  )
}

/** A mention in a comment, or a reply in a thread someone took part in. */
export function commentMessage(to: string, authorName: string, title: string, kind: 'mentioned' | 'replied', body: string, url: string): MailMessage {
  const excerpt = body.length > 300 ? `${body.slice(0, 300)}…` : body
  return compose(
    to,
    kind === 'mentioned' ? `${authorName} mentioned you in “${title}”` : `${authorName} replied in “${title}”`,
    [kind === 'mentioned' ? `${authorName} mentioned you in a comment on “${title}”:` : `${authorName} replied to a comment thread you are in, on “${title}”:`, excerpt],
    { label: 'Open the thread', url },
    'You receive this because you have access to this document on Tandem.',
  )
}
