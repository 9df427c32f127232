import Link from 'next/link'

/** Any URL that is not a page. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md space-y-4 rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        <h1 className="text-2xl font-semibold">Page not found</h1>
        <p className="text-slate-600">There is nothing at this address.</p>
        <Link href="/" className="inline-block rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
          Your documents
        </Link>
      </div>
    </main>
  )
}
