import Link from 'next/link'
import { SignOutButton } from '@/components/auth/SignOutButton'

/** The top bar of the signed-in pages. */
export function AppHeader({ userName, children }: { userName: string; children?: React.ReactNode }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center gap-3 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-blue-700">
          Tandem
        </Link>
        <div className="ml-auto flex items-center gap-3">
          {children}
          <Link href="/settings" className="text-sm text-slate-600 hover:underline" title="Account settings">
            <span className="hidden sm:inline">{userName}</span>
            <span className="sm:hidden">Settings</span>
          </Link>
          <SignOutButton />
        </div>
      </div>
    </header>
  )
}
