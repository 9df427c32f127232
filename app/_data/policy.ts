/** The permission table lives in lib/policy.ts (the editor's components read it too); the server's code imports it from here. */
export * from '@/lib/policy'
