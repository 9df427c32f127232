import type { Insertable, Selectable } from 'kysely'
import type { MemberRole } from '@/lib/roles'

/**
 * The metadata tables. Column types stay within what SQLite and PostgreSQL
 * both speak (`text`, `integer`): timestamps are ISO-8601 strings in UTC, which
 * sort correctly as text, so the same queries run on either database.
 */
export interface Database {
  users: UsersTable
  oauth_accounts: OAuthAccountsTable
  documents: DocumentsTable
  memberships: MembershipsTable
  share_links: ShareLinksTable
  auth_attempts: AuthAttemptsTable
  user_events: UserEventsTable
  user_event_counters: UserEventCountersTable
  document_edit_marks: DocumentEditMarksTable
  email_tokens: EmailTokensTable
  outbox: OutboxTable
  invitations: InvitationsTable
  personal_access_tokens: PersonalAccessTokensTable
  search_documents: SearchDocumentsTable
  comment_threads: CommentThreadsTable
  comments: CommentsTable
}

export interface UsersTable {
  id: string
  /** Lower-cased and trimmed; unique. */
  email: string
  name: string
  /** argon2id hash (bcrypt for accounts made before; replaced at their next sign-in); null for accounts that only sign in through OAuth. */
  password_hash: string | null
  created_at: string
  /** When the address was proved (a verification link, a provider's `email_verified`, or sign-up without SMTP); null until then. */
  email_verified_at: string | null
  /** Bumped by a password change or reset and "Sign out everywhere": sessions carrying an older one are ended. */
  session_version: number
}

export interface OAuthAccountsTable {
  provider: string
  provider_account_id: string
  user_id: string
  created_at: string
}

export interface DocumentsTable {
  id: string
  title: string
  owner_id: string
  created_at: string
  /** Last edited: bumped on rename and, throttled, while writers type. */
  updated_at: string
}

/** Roles granted to people other than the owner (the owner is `documents.owner_id`). */
export type { MemberRole }

export interface MembershipsTable {
  document_id: string
  user_id: string
  role: MemberRole
  created_at: string
}

export interface ShareLinksTable {
  /** The secret in the link's URL. */
  token: string
  document_id: string
  role: MemberRole
  created_by: string
  created_at: string
}

/** Counted sign-in failures and sign-ups, for throttling (app/_data/throttle.ts); pruned once expired. */
export interface AuthAttemptsTable {
  id: string
  /** What is limited and for whom: `<rule>:<email or client address>`. */
  bucket: string
  /** When (ISO-8601, UTC). */
  at: string
}

/** One live event for one user (app/_data/events/store.ts); pruned after 30 days. */
export interface UserEventsTable {
  user_id: string
  /** Increasing per user: the SSE `id:` a reconnecting stream resumes after. */
  id: number
  /** `document.shared`, `document.renamed`, … (app/_data/events/types.ts). */
  type: string
  document_id: string | null
  /** The event's JSON payload, as the stream sends it. */
  data: string
  /** 1: also a notification (the bell); 0: a list update only. */
  notify: number
  read_at: string | null
  created_at: string
}

export interface UserEventCountersTable {
  user_id: string
  last_id: number
}

export interface DocumentEditMarksTable {
  document_id: string
  at: string
}

export type EmailTokenPurpose = 'verify' | 'reset'

/** A one-time link's secret, stored only as its sha256 (app/_data/emailTokens.ts). */
export interface EmailTokensTable {
  token_hash: string
  user_id: string
  purpose: EmailTokenPurpose
  expires_at: string
  created_at: string
}

/** Mail not yet handed to the SMTP server (or the outbox directory); app/_data/mail/outbox.ts. */
export interface OutboxTable {
  id: string
  to_address: string
  subject: string
  text_body: string
  html_body: string
  /** The message's one link, for the log line. */
  link: string
  attempts: number
  next_attempt_at: string
  last_error: string | null
  created_at: string
}

/** A share waiting for someone to sign in with a verified `email` (app/_data/invitations.ts). */
export interface InvitationsTable {
  id: string
  document_id: string
  /** Normalised like users.email. */
  email: string
  role: MemberRole
  invited_by: string
  created_at: string
}

/** A personal access token for scripts (app/_data/personalTokens.ts); the secret is stored only as its sha256. */
export interface PersonalAccessTokensTable {
  id: string
  user_id: string
  /** What the person called it ("backup script"). */
  name: string
  token_hash: string
  /** Space-separated scopes: `read`, `read create`. */
  scopes: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

/**
 * A document's title and text as the search index last read them
 * (app/_data/search/). On SQLite an FTS5 table mirrors it; on PostgreSQL a
 * generated `tsv` column (not listed here: never written) indexes it.
 */
export interface SearchDocumentsTable {
  document_id: string
  title: string
  body: string
  /** When its content was read: the document is indexed again once `documents.updated_at` passes this. */
  indexed_at: string
}

/** A comment thread on a range of a document's text (app/_data/comments.ts). */
export interface CommentThreadsTable {
  id: string
  document_id: string
  /** Base64 of Y.encodeRelativePosition: where the commented range starts and ends in the Yjs document. */
  anchor_start: string
  anchor_end: string
  /** The commented words when the thread was made, shown once they are deleted. */
  quote: string
  /** Null once the author's account is deleted. */
  created_by: string | null
  resolved_at: string | null
  resolved_by: string | null
  created_at: string
}

export interface CommentsTable {
  id: string
  thread_id: string
  document_id: string
  /** Null once the author's account is deleted. */
  author_id: string | null
  /** Plain text with line breaks, at most 10,000 characters. */
  body: string
  created_at: string
  edited_at: string | null
}

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type DocumentRow = Selectable<DocumentsTable>
export type ShareLinkRow = Selectable<ShareLinksTable>

