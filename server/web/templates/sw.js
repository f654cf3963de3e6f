// The service worker of Chợ Quê Online, release {{ version }}.
// It keeps the app shell and its files for offline use. It never touches the app's own data: the
// outbox and the cached answers live in IndexedDB, which this worker neither reads nor clears, so an
// update can never lose or replay a change. A new release waits until the app says it is a safe moment.
const VERSION = "{{ version }}";
const CACHE = `choque-shell-${VERSION}`;
// Product photos never change under their address: kept across releases, the newest 300.
const PHOTOS = "choque-photos";
const PHOTOS_KEPT = 300;
// Kept at install: the shell and what the sign-in screen needs, so that a phone that has never signed
// in fetches no more than that (SPEC §8).
const PRECACHE = {{ precache|safe }};
// Kept once someone has signed in (the app says so): every other screen, for offline use.
const AFTER_SIGN_IN = {{ after_sign_in|safe }};
// In the cache once AFTER_SIGN_IN is all there: a new release then keeps everything at install too.
const COMPLETE = "/sw-kept-everything";
const APP_ROUTES = {{ routes|safe }}.map((pattern) => new RegExp(pattern));

async function earlierCaches() {
  const names = await caches.keys();
  return Promise.all(names.filter((name) => name.startsWith("choque-shell-") && name !== CACHE)
    .map((name) => caches.open(name)));
}

// Puts `urls` in the cache. The files are fingerprinted, so one an earlier release kept is the same
// file: copied, not fetched again. The shell changes with every release: always fetched.
async function keep(cache, urls) {
  const earlier = await earlierCaches();
  await Promise.all(urls.map(async (url) => {
    if (url.startsWith("/assets/")) {
      if (await cache.match(url, { ignoreVary: true })) return;
      for (const old of earlier) {
        const kept = await old.match(url, { ignoreVary: true });
        if (kept) return cache.put(url, kept);
      }
    }
    return cache.add(url);
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // A phone where someone has signed in keeps the whole new release before it is taken.
    const signedInBefore = (await Promise.all((await earlierCaches()).map((old) => old.match(COMPLETE)))).some(Boolean);
    await keep(cache, signedInBefore ? [...PRECACHE, ...AFTER_SIGN_IN] : PRECACHE);
    if (signedInBefore) await cache.put(COMPLETE, new Response(VERSION));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("choque-shell-") && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// Someone has signed in: keep the rest of the app (a file at a time, so a cut line keeps what came).
async function keepEverything() {
  const cache = await caches.open(CACHE);
  if (await cache.match(COMPLETE)) return;
  await keep(cache, AFTER_SIGN_IN);
  await cache.put(COMPLETE, new Response(VERSION));
}

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "version") event.source.postMessage({ version: VERSION });
  if (event.data === "keep-everything") event.waitUntil(keepEverything());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && APP_ROUTES.some((route) => route.test(url.pathname))) {
    // Every screen is the same shell: from the cache at once, so the app opens with no network.
    event.respondWith(caches.match("/", { cacheName: CACHE }).then((shell) => shell || fetch(request)));
    return;
  }
  if (url.pathname.startsWith("/assets/")) {
    event.respondWith(asset(event, request));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(photo(request));
  }
});

// A fingerprinted file never changes: whatever the request's headers (the server's Vary is for its
// API answers), the kept copy is the file. One not kept yet is kept as it arrives.
async function asset(event, request) {
  const hit = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
  }
  return response;
}

async function photo(request) {
  const cache = await caches.open(PHOTOS);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - PHOTOS_KEPT))) await cache.delete(old);
  }
  return response;
}
