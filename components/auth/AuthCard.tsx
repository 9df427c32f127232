/** The centred card the sign-in and sign-up pages share. */
export function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <div className="space-y-1 text-center">
          <p className="text-sm font-semibold tracking-wide text-blue-700">Tandem</p>
          <h1 className="text-2xl font-semibold">{title}</h1>
        </div>
        {children}
      </div>
    </main>
  )
}
