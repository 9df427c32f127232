/** What the account server actions answer (app/actions/account.ts), as a plain type: components never import app/. */
export type ActionState = { ok: true; message: string } | { ok: false; error: string }
