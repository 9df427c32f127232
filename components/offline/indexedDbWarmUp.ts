/**
 * The first IndexedDB request an origin makes after the browser starts is
 * slow: Chromium opens the origin's store then (60–170 ms on our machines),
 * and the editor would pay for it when it opens the document's local copy.
 * This inline script makes that first request (listing the databases, which
 * creates nothing) while the page is still being parsed, so the cost overlaps
 * the loading of the page's scripts instead of delaying the document.
 * Measured by bench W (the real editor after a browser restart, 10 opens each
 * way: open → copy loaded, median 78 ms with it, 244 ms without) and used by
 * bench L's page too.
 */
export const INDEXEDDB_WARM_UP_SCRIPT = 'try{indexedDB.databases&&indexedDB.databases().catch(function(){})}catch(e){}'
