// The app's entry: restore who is signed in, speak their language, show the screen of the address,
// keep the outbox flowing, and take a new release only at a safe moment.
import { html, render, useEffect, useState } from "preact";
import { currentLanguage, loadLanguage, savedLanguage, t } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import * as router from "app/router.js";
import * as session from "app/session.js";
import { Header, Nav, Notice, usePerson } from "app/ui.js";

const loaded = new Map();

function loadScreen(name) {
  if (!loaded.has(name)) {
    // A screen that could not be fetched (the first visit cut short) is asked for again next time.
    loaded.set(name, import(`app/screens/${name}.js`).catch((error) => {
      loaded.delete(name);
      throw error;
    }));
  }
  return loaded.get(name);
}

function Unavailable() {
  return html`<main class="screen"><${Notice} kind="warn">${t("This screen is not on the phone yet. Open it again when you have signal.")}
    <button type="button" class="small" onClick=${() => location.reload()}>${t("Try again")}</button><//></main>`;
}

function useRoute() {
  const [route, setRoute] = useState(router.current());
  useEffect(() => router.subscribe(setRoute), []);
  return route;
}

let reloadWhenControlled = false;

// A new release of the app is installed and waiting: take it when nothing is in the middle of being
// done (the person taps "Update", or leaves the app), after the outbox has finished its round.
function useUpdate() {
  const [waiting, setWaiting] = useState(null);
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return undefined;
    // The very first worker taking control needs no reload; one this page asked for (an update) does.
    reloadWhenControlled = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener("controllerchange", () => { if (reloadWhenControlled) location.reload(); });
    navigator.serviceWorker.register("/sw.js").then((registration) => {
      const offer = () => { if (registration.waiting && navigator.serviceWorker.controller) setWaiting(registration.waiting); };
      registration.addEventListener("updatefound", () => registration.installing?.addEventListener("statechange", offer));
      offer();
      document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") registration.update(); });
    });
    return undefined;
  }, []);
  useEffect(() => {
    if (!waiting) return undefined;
    const whenHidden = () => { if (document.visibilityState === "hidden") apply(waiting); };
    document.addEventListener("visibilitychange", whenHidden);
    return () => document.removeEventListener("visibilitychange", whenHidden);
  }, [waiting]);
  return waiting;
}

// The service worker kept only the sign-in screen when it installed. Once someone is signed in, every
// screen should open offline: it keeps the rest of the app, when this screen has been drawn. Asked on
// every start, as a new release may have been taken since (the worker does nothing if all is there).
function useWholeAppKept(signedIn) {
  useEffect(() => {
    if (!signedIn || !("serviceWorker" in navigator)) return undefined;
    navigator.serviceWorker.ready.then((registration) => {
      const ask = () => registration.active?.postMessage("keep-everything");
      if ("requestIdleCallback" in window) requestIdleCallback(ask, { timeout: 2000 });
      else setTimeout(ask, 500);
    });
    return undefined;
  }, [signedIn]);
}

// The outbox may finish its round first (it is safe in IndexedDB either way), but a slow line must not
// hold the update back for long.
async function apply(worker) {
  await Promise.race([outbox.flush().catch(() => null), new Promise((resolve) => setTimeout(resolve, 5000))]);
  reloadWhenControlled = true;
  worker.postMessage("skip-waiting");
}

// The app speaks the language of whoever uses it now (each person on a shared phone has their own).
function useLanguageOf(person) {
  const [, setLanguage] = useState(currentLanguage());
  const wanted = person?.user?.locale;
  useEffect(() => {
    if (wanted && wanted !== currentLanguage()) loadLanguage(wanted).then(setLanguage);
  }, [wanted]);
}

function App() {
  const person = usePerson();
  const route = useRoute();
  const waiting = useUpdate();
  useLanguageOf(person);
  const [loaded, setLoaded] = useState({ name: null, Screen: null });
  const signedIn = person && !person.needsSignIn;
  const name = signedIn ? route.screen : "signin";
  useWholeAppKept(signedIn);
  useEffect(() => {
    let live = true;
    loadScreen(name).then((module) => { if (live) setLoaded({ name, Screen: module.default }); })
      .catch(() => { if (live) setLoaded({ name, Screen: Unavailable }); });
    return () => { live = false; };
  }, [name]);
  // Never the previous screen with the new person (or none): wait for the screen of this address.
  const Screen = loaded.name === name ? loaded.Screen : null;
  return html`
    <${Header} person=${signedIn ? person : null} />
    ${waiting && html`<${Notice}>${t("A new version of the app is ready.")}
      <button type="button" class="small" onClick=${() => apply(waiting)}>${t("Update")}</button><//>`}
    ${Screen ? html`<${Screen} key=${name + route.path} person=${person} params=${route.params} route=${route} />`
      : html`<main class="screen loading"><p class="lead">${t("Opening…")}</p></main>`}
    ${signedIn && html`<${Nav} path=${route.path} roles=${person.user?.roles} />`}`;
}

async function start() {
  const person = await session.restore();
  await loadLanguage(person?.user?.locale || savedLanguage() || "vi");
  router.start();
  outbox.start();
  render(html`<${App} />`, document.getElementById("app"));
}

start();
