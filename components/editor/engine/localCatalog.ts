import type { Role } from '@/lib/roles'

/**
 * This browser's list of one user's local copies, in localStorage: what the
 * offline document list shows, and what signing out must erase. The copies
 * themselves are IndexedDB databases (LocalCopy.ts); this only describes them.
 * Keyed by user id, like the databases, so nobody lists another user's.
 */

export interface LocalCopyRecord {
  documentId: string
  title: string
  role: Role
  /** Some edits in the copy were, last we knew, not yet stored by the server. */
  unsavedOnServer: boolean
  /** ISO-8601: when this browser last opened it. */
  openedAt: string
}

/** The person last signed in on this browser: who the offline pages open copies for. */
export interface DeviceUser {
  id: string
  name: string
}

const USER_KEY = 'tandem:user'
const catalogKey = (userId: string) => `tandem:local-copies:${encodeURIComponent(userId)}`

/** localStorage when there is one (never on the server, and it may be blocked). */
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

function readJson(storage: Storage, key: string): unknown {
  try {
    return JSON.parse(storage.getItem(key) ?? 'null')
  } catch {
    return null
  }
}

function isRecord(value: unknown): value is LocalCopyRecord {
  const r = value as Partial<LocalCopyRecord> | null
  return !!r && typeof r.documentId === 'string' && typeof r.title === 'string' && typeof r.role === 'string' && typeof r.openedAt === 'string'
}

export class LocalCatalog {
  constructor(
    private readonly storage: Storage,
    readonly userId: string,
  ) {}

  /** Newest first. */
  list(): LocalCopyRecord[] {
    const stored = readJson(this.storage, catalogKey(this.userId))
    const records = Array.isArray(stored) ? stored.filter(isRecord) : []
    return records.sort((a, b) => b.openedAt.localeCompare(a.openedAt))
  }

  get(documentId: string): LocalCopyRecord | undefined {
    return this.list().find((record) => record.documentId === documentId)
  }

  /** Adds or changes one record (fields not given keep their value). */
  put(documentId: string, fields: Partial<Omit<LocalCopyRecord, 'documentId'>>): void {
    const existing = this.get(documentId)
    const record: LocalCopyRecord = {
      documentId,
      title: existing?.title ?? 'Untitled',
      role: existing?.role ?? 'viewer',
      unsavedOnServer: existing?.unsavedOnServer ?? false,
      openedAt: existing?.openedAt ?? new Date().toISOString(),
      ...fields,
    }
    if (existing && JSON.stringify(existing) === JSON.stringify(record)) return
    this.write([record, ...this.list().filter((other) => other.documentId !== documentId)])
  }

  /** Changes a record that exists; nothing when the copy was erased meanwhile. */
  update(documentId: string, fields: Partial<Omit<LocalCopyRecord, 'documentId'>>): void {
    if (this.get(documentId)) this.put(documentId, fields)
  }

  remove(documentId: string): void {
    this.write(this.list().filter((record) => record.documentId !== documentId))
  }

  clear(): void {
    this.storage.removeItem(catalogKey(this.userId))
  }

  private write(records: LocalCopyRecord[]): void {
    try {
      this.storage.setItem(catalogKey(this.userId), JSON.stringify(records))
    } catch {
      // Storage full or blocked: the copies still work, the offline list just can't show them.
    }
  }
}

export function rememberDeviceUser(storage: Storage, user: DeviceUser): void {
  try {
    storage.setItem(USER_KEY, JSON.stringify({ id: user.id, name: user.name }))
  } catch {
    // As above: only the offline pages depend on it.
  }
}

export function deviceUser(storage: Storage): DeviceUser | null {
  const user = readJson(storage, USER_KEY) as Partial<DeviceUser> | null
  return user && typeof user.id === 'string' && typeof user.name === 'string' ? { id: user.id, name: user.name } : null
}

export function forgetDeviceUser(storage: Storage): void {
  storage.removeItem(USER_KEY)
}
