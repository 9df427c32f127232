/**
 * Next.js's instrumentation hook: runs once when the web app's server starts.
 * The work is in app/_http/startup.ts, loaded on the Node.js runtime only
 * (this file is also compiled for the edge runtime, which has no process.exit).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startWebApp } = await import('./app/_http/startup')
    startWebApp()
  }
}
