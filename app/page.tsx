export default function HomePage() {
  return (
    <main className="mx-auto max-w-2xl p-8">
      <h1 className="text-3xl font-semibold">Tandem</h1>
      <p className="mt-2 text-slate-600">Write documents together, live.</p>
    </main>
  )
}
