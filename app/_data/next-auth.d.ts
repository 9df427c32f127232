import type { DefaultSession } from 'next-auth'

// Our session carries the user id (the JWT's `sub`) beside next-auth's name and email.
declare module 'next-auth' {
  interface Session {
    user?: DefaultSession['user'] & { id?: string; authAt?: number }
  }
}
