import 'server-only'
import { Kysely, Migrator, PostgresAdapter, sql, type Migration, type MigrationProvider } from 'kysely'

/**
 * Schema migrations, in order. They live in code (not files read at run
 * time) so they ship inside the Next.js build. Keep the SQL portable between
 * SQLite and PostgreSQL: plain `text`/`integer` columns, no engine-specific
 * defaults. Never edit a migration that has shipped; add the next one.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_27_001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', 'text', (col) => col.notNull().unique())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute()

      await db.schema
        .createTable('oauth_accounts')
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('provider_account_id', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('oauth_accounts_pk', ['provider', 'provider_account_id'])
        .execute()

      await db.schema
        .createTable('documents')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('title', 'text', (col) => col.notNull())
        .addColumn('owner_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('documents_owner_idx').on('documents').column('owner_id').execute()

      await db.schema
        .createTable('memberships')
        .addColumn('document_id', 'text', (col) => col.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['document_id', 'user_id'])
        .execute()
      await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute()

      await db.schema
        .createTable('share_links')
        .addColumn('token', 'text', (col) => col.primaryKey())
        .addColumn('document_id', 'text', (col) => col.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('created_by', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('share_links_document_idx').on('share_links').column('document_id').execute()
    },
  },
  '2026_12_01_002_auth_attempts': {
    async up(db: Kysely<unknown>) {
      // One row per counted attempt (a failed sign-in, a created account), so
      // limits hold across every web app process sharing the database.
      await db.schema
        .createTable('auth_attempts')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('bucket', 'text', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('auth_attempts_bucket_at_idx').on('auth_attempts').columns(['bucket', 'at']).execute()
      await db.schema.createIndex('auth_attempts_at_idx').on('auth_attempts').column('at').execute()
    },
  },
  '2026_12_02_020_user_events': {
    async up(db: Kysely<unknown>) {
      // Each user's live events (app/_data/events/): ids increase per user, so a
      // reconnecting stream asks for "everything after N". Kept 30 days.
      await db.schema
        .createTable('user_events')
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('id', 'integer', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('document_id', 'text')
        .addColumn('data', 'text', (col) => col.notNull())
        // 1 for a notification (shown under the bell), 0 for a list update only.
        .addColumn('notify', 'integer', (col) => col.notNull())
        .addColumn('read_at', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('user_events_pk', ['user_id', 'id'])
        .execute()
      await db.schema.createIndex('user_events_created_at_idx').on('user_events').column('created_at').execute()
      // The last id given to each user: survives pruning, so ids never repeat.
      await db.schema
        .createTable('user_event_counters')
        .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('last_id', 'integer', (col) => col.notNull())
        .execute()
      // When a document last produced a `document.edited` event (one per 10 s at most, across processes).
      await db.schema
        .createTable('document_edit_marks')
        .addColumn('document_id', 'text', (col) => col.primaryKey().references('documents.id').onDelete('cascade'))
        .addColumn('at', 'text', (col) => col.notNull())
        .execute()
    },
  },
  '2026_12_02_030_accounts': {
    async up(db: Kysely<unknown>) {
      // Verified email and a session version per user. Accounts made before
      // verification existed count as verified: nothing can prove otherwise now,
      // and they already hold what was shared with them.
      await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute()
      await db.schema.alterTable('users').addColumn('session_version', 'integer', (col) => col.notNull().defaultTo(0)).execute()
      await sql`update users set email_verified_at = created_at`.execute(db)

      // One-time links (verify an address, reset a password): only the sha256 of the secret is stored.
      await db.schema
        .createTable('email_tokens')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('email_tokens_user_idx').on('email_tokens').columns(['user_id', 'purpose']).execute()

      // Mail waiting to be delivered; a row is deleted once the message is handed over.
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('to_address', 'text', (col) => col.notNull())
        .addColumn('subject', 'text', (col) => col.notNull())
        .addColumn('text_body', 'text', (col) => col.notNull())
        .addColumn('html_body', 'text', (col) => col.notNull())
        .addColumn('link', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull())
        .addColumn('next_attempt_at', 'text', (col) => col.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('outbox_next_attempt_idx').on('outbox').column('next_attempt_at').execute()

      // Shares addressed to an email with no verified account yet.
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('document_id', 'text', (col) => col.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('email', 'text', (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('invited_by', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('invitations_document_email_unique', ['document_id', 'email'])
        .execute()
      await db.schema.createIndex('invitations_email_idx').on('invitations').column('email').execute()
    },
  },
  '2026_12_03_010_comments': {
    async up(db: Kysely<unknown>) {
      // Comment threads (issue 16), anchored in the text by two Yjs relative
      // positions (base64), with the words they were made on. An author's
      // account going away keeps the thread (author_id becomes null).
      await db.schema
        .createTable('comment_threads')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('document_id', 'text', (col) => col.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('anchor_start', 'text', (col) => col.notNull())
        .addColumn('anchor_end', 'text', (col) => col.notNull())
        .addColumn('quote', 'text', (col) => col.notNull())
        .addColumn('created_by', 'text', (col) => col.references('users.id').onDelete('set null'))
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'text', (col) => col.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('comment_threads_document_idx').on('comment_threads').columns(['document_id', 'created_at']).execute()
      await db.schema
        .createTable('comments')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('thread_id', 'text', (col) => col.notNull().references('comment_threads.id').onDelete('cascade'))
        .addColumn('document_id', 'text', (col) => col.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('author_id', 'text', (col) => col.references('users.id').onDelete('set null'))
        .addColumn('body', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('edited_at', 'text')
        .execute()
      await db.schema.createIndex('comments_thread_idx').on('comments').columns(['thread_id', 'created_at']).execute()
    },
  },
  '2026_12_03_020_access_tokens': {
    async up(db: Kysely<unknown>) {
      // Personal access tokens for scripts (app/_data/personalTokens.ts): only the sha256 of
      // the secret is stored; a revoked token keeps its row (revoked_at) so the list can say so.
      await db.schema
        .createTable('personal_access_tokens')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        // Space-separated: `read`, or `read create`.
        .addColumn('scopes', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute()
      await db.schema.createIndex('personal_access_tokens_user_idx').on('personal_access_tokens').column('user_id').execute()
    },
  },
  '2026_12_03_030_search': {
    async up(db: Kysely<unknown>) {
      // The search index (app/_data/search/): each document's title and text as last
      // read from the sync server, and when. SQLite searches it through FTS5 (an
      // external-content table kept in step by triggers); PostgreSQL through a
      // generated tsvector with a GIN index. FTS5 also indexes 2- and 3-letter prefixes: a
      // search-as-you-type prefix then costs one lookup instead of a scan of every term it starts.
      if (isPostgres(db)) {
        await sql`create table search_documents (
          document_id text primary key references documents(id) on delete cascade,
          title text not null,
          body text not null,
          indexed_at text not null,
          tsv tsvector generated always as (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) stored
        )`.execute(db)
        await sql`create index search_documents_tsv_idx on search_documents using gin (tsv)`.execute(db)
        return
      }
      await sql`create table search_documents (
        rowid integer primary key,
        document_id text not null unique references documents(id) on delete cascade,
        title text not null,
        body text not null,
        indexed_at text not null
      )`.execute(db)
      await sql`create virtual table search_fts using fts5(
        title, body, content='search_documents', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
      )`.execute(db)
      await sql`create trigger search_documents_ai after insert on search_documents begin
        insert into search_fts(rowid, title, body) values (new.rowid, new.title, new.body);
      end`.execute(db)
      await sql`create trigger search_documents_ad after delete on search_documents begin
        insert into search_fts(search_fts, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
      end`.execute(db)
      await sql`create trigger search_documents_au after update on search_documents begin
        insert into search_fts(search_fts, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
        insert into search_fts(rowid, title, body) values (new.rowid, new.title, new.body);
      end`.execute(db)
    },
  },
}

/** Whether a migration runs on PostgreSQL (else SQLite): for the few that need each engine's own SQL. */
export function isPostgres(db: { getExecutor(): { readonly adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Brings the schema up to date; throws with the failing migration's error. */
// Migrations see the database before and after, not our typed schema: hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // On PostgreSQL, name the schema Kysely keeps its own two tables in. Without it, Kysely looks for
  // kysely_migration(_lock) in every schema of the database: another application's (or another test's)
  // schema holding them makes it skip creating ours and then fail on a table that isn't there.
  const migrationTableSchema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}
