/** What the offline shell shows for a page only the server can make (sign-in, share links, …). */
export function NeedsNetwork({ heading = 'This page needs the network', children }: { heading?: string; children?: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md space-y-4 rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        <h1 className="text-2xl font-semibold">{heading}</h1>
        {children ?? <p className="text-slate-600">You’re offline, and this page can only be shown by the server. Try again once you’re back online.</p>}
        <p>
          {/* A full navigation, not <Link>: offline there is no server to fetch the page's data from, and the service worker answers a navigation with the offline list. */}
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
          <a href="/" className="font-medium text-blue-700 underline">
            Documents available offline
          </a>
        </p>
      </div>
    </main>
  )
}
