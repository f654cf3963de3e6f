// Real paths with the History API: every screen of SPEC §7 has its address, so links from an SMS, Zalo
// or a bookmark open it, and the back button works.

const ROUTES = [
  ["/", "home"],
  ["/shop", "shop"],
  ["/products", "products"],
  ["/products/new", "product"],
  ["/products/:id", "product"],
  ["/learn", "learn"],
  ["/learn/:slug", "lesson"],
  ["/sales", "sales"],
  ["/profile", "profile"],
  ["/cohorts", "cohorts"],
  ["/cohorts/:id", "cohort"],
  ["/cohorts/:id/enrol", "enrol"],
  ["/cohorts/:id/attendance", "attendance"],
  ["/reports", "reports"],
].map(([pattern, screen]) => [new RegExp(`^${pattern.replace(/:(\w+)/g, "(?<$1>[^/]+)")}/?$`), screen]);

const listeners = new Set();

export function match(path) {
  for (const [pattern, screen] of ROUTES) {
    const found = pattern.exec(path);
    if (found) return { screen, params: { ...found.groups }, path };
  }
  return { screen: "home", params: {}, path: "/" };
}

export function current() {
  return match(location.pathname);
}

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(current());
}

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"](null, "", path);
  window.scrollTo(0, 0);
  changed();
}

export function start() {
  window.addEventListener("popstate", changed);
  // Links inside the app change the screen without reloading the page.
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    const href = link.getAttribute("href");
    if (!href.startsWith("/") || href.startsWith("//") || link.target || link.hasAttribute("download")) return;
    if (!ROUTES.some(([pattern]) => pattern.test(href.split("?")[0]))) return;
    event.preventDefault();
    navigate(href);
  });
}
