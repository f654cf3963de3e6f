// The service worker of Chợ Quê Online, release {{ version }}.
// It keeps the app shell and its files for offline use. It never touches the app's own data: the
// outbox and the cached answers live in IndexedDB, which this worker neither reads nor clears, so an
// update can never lose or replay a change. A new release waits until the app says it is a safe moment.
const VERSION = "{{ version }}";
const CACHE = `choque-shell-${VERSION}`;
// Product photos never change under their address: kept across releases, the newest 300.
const PHOTOS = "choque-photos";
const PHOTOS_KEPT = 300;
const PRECACHE = {{ precache|safe }};
const APP_ROUTES = {{ routes|safe }}.map((pattern) => new RegExp(pattern));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("choque-shell-") && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "version") event.source.postMessage({ version: VERSION });
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
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(photo(request));
  }
});

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
