import Link from 'next/link'
import { SignOutButton } from '@/components/auth/SignOutButton'

/** Shown instead of a document the reader may not open (or that doesn't exist: one answer for both). */
export function NoAccess({
  userId,
  email,
  heading = 'No access',
  children,
}: {
  userId: string
  email: string
  heading?: string
  children?: React.ReactNode
}) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md space-y-4 rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        <h1 className="text-2xl font-semibold">{heading}</h1>
        {children ?? (
          <p className="text-slate-600">
            You don’t have access to this document. It may have been deleted, or its owner hasn’t shared it with you.
          </p>
        )}
        <p className="text-sm text-slate-500">Signed in as {email}.</p>
        <div className="flex flex-wrap justify-center gap-3">
          <Link href="/" className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
            Back to your documents
          </Link>
          <SignOutButton userId={userId} />
        </div>
      </div>
    </main>
  )
}
