/**
 * Integration-test support, in one import: real servers (in-process on port 0,
 * or the real process), real sockets, real SQLite in temp dirs, stock
 * y-websocket clients. Each job lives in its own module under ./support/;
 * everything a helper starts is stopped after the test (./support/teardown.ts).
 *
 * - teardown.ts  `defer`, `tempDir`
 * - wait.ts      `eventually`, `consistently`, `sleep`, token-clock helpers
 * - names.ts     `docId` (unique per test)
 * - tokens.ts    good and deliberately broken access tokens
 * - store.ts     `observeStore`: the real store, observed
 * - servers.ts   `startTestServer`, `spawnServer`, ports
 * - clients.ts   stock clients (`connectClient`, `syncedClient`)
 * - raw.ts       `RawClient` for hand-made frames, `upgradeStatus`
 * - http.ts      `api`, `serverText`, `metric`
 */
export * from './support/teardown'
export * from './support/wait'
export * from './support/names'
export * from './support/tokens'
export * from './support/store'
export * from './support/servers'
export * from './support/clients'
export * from './support/raw'
export * from './support/http'
