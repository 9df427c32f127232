import type { Metadata } from 'next'
import './globals.css'

export const metadata: Metadata = { title: 'Tandem', description: 'Write documents together, live.' }

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-slate-900 antialiased">{children}</body>
    </html>
  )
}
