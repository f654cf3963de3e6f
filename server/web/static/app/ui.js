// Building blocks shared by the screens: the header with the outbox, the bottom navigation, fields,
// buttons, notices and icons. Big touch targets (at least 48 px), plain words next to every icon.
import { html, useEffect, useState } from "preact";
import { ApiError, Offline } from "app/api.js";
import { N_, t, tn } from "app/i18n.js";
import { stopHelping } from "app/helping.js";
import * as outbox from "app/outbox.js";
import { navigate } from "app/router.js";
import * as session from "app/session.js";

const ICONS = {
  home: "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
  box: "M3 7l9-4 9 4v10l-9 4-9-4zm0 0l9 4 9-4M12 11v10",
  cash: "M2 6h20v12H2zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM5 9v6m14-6v6",
  book: "M4 4h7a3 3 0 0 1 3 3v13a2 2 0 0 0-2-2H4zm16 0h-5a3 3 0 0 0-3 3v13a2 2 0 0 1 2-2h6z",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9a8 8 0 0 1 16 0",
  shop: "M4 9l1-5h14l1 5M4 9v11h16V9M4 9h16M9 20v-6h6v6",
  send: "M3 11l18-8-8 18-2-8z",
  cloud: "M7 18a5 5 0 0 1-.6-10A6 6 0 0 1 18 9a4.5 4.5 0 0 1-.5 9zM3 3l18 18",
  camera: "M4 8h3l2-3h6l2 3h3v11H4zM12 16a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
  share: "M18 8a3 3 0 1 0-3-3l-7 4a3 3 0 1 0 0 6l7 4a3 3 0 1 0 1-2l-7-4 7-4a3 3 0 0 0 2 1z",
  check: "M4 12l5 5L20 6",
  back: "M15 18l-6-6 6-6",
  trash: "M4 7h16M9 7V4h6v3m-8 0l1 13h8l1-13",
  up: "M6 15l6-6 6 6",
  down: "M6 9l6 6 6-6",
  download: "M12 4v11m-5-5l5 5 5-5M5 20h14",
  plus: "M12 5v14M5 12h14",
  copy: "M8 8h11v11H8zM5 16H4V4h12v1",
  people: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 9a7 7 0 0 1 14 0m1-9a3 3 0 1 0 0-6m3 15a6 6 0 0 0-3-5",
  chart: "M4 20V10m6 10V4m6 16v-7m4 7H2",
  phone: "M5 4h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z",
};

export function Icon({ name }) {
  return html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=${ICONS[name]} /></svg>`;
}

// The current person's outbox items, kept up to date.
// The person's outbox items; null until IndexedDB has answered.
function useOutboxItems() {
  const [items, setItems] = useState(null);
  useEffect(() => {
    outbox.items().then(setItems);
    return outbox.subscribe(setItems);
  }, []);
  return items;
}

export function useOutbox() {
  return useOutboxItems() || [];
}

// The outbox in words, always in the header: what this phone still has to send for this person. The
// "Send now" button keeps its place even when there is nothing to send, so that the header never jumps.
export function OutboxStatus() {
  const items = useOutboxItems();
  const [sending, setSending] = useState(false);
  // Until IndexedDB has answered the count is unknown: no number rather than a false "0".
  const count = items?.length;
  const refused = (items || []).filter((item) => item.state === "refused").length;
  const sendNow = async () => {
    setSending(true);
    await outbox.flush();
    setSending(false);
  };
  let words = items ? t("Everything is sent") : "…";
  if (count) words = tn("{count} change waiting to be sent", "{count} changes waiting to be sent", count);
  return html`<div class="outbox">
    <a href="/profile#outbox" class=${`outbox-count${refused ? " has-refused" : ""}`} data-outbox-count=${count}>${words}</a>
    <button type="button" class="icon-button send" onClick=${sendNow} disabled=${sending} hidden=${!count}
      title=${t("Send now")}><${Icon} name="send" /><span class="sr-only">${sending ? t("Sending…") : t("Send now")}</span></button>
  </div>`;
}

// "+84912345678" -> "0912 345 678", the way people write their number.
export function localPhone(phone) {
  const digits = String(phone || "").replace(/^\+84/, "0");
  return digits.replace(/^(\d{4})(\d{3})(\d{3})$/, "$1 $2 $3");
}

// The first letter of the given name, which in Vietnamese names comes last: "Lò Thị Mai" -> "M".
const initial = (fullName) => fullName.trim().split(/\s+/).pop().slice(0, 1).toUpperCase();

export function nameOf(person) {
  return person.user?.full_name || localPhone(person.phone);
}

// Always visible while a trainer works on a household's shop: whose shop it is, and how to stop.
function Helping({ person }) {
  const done = () => {
    const back = person.helping.cohort_id ? `/cohorts/${person.helping.cohort_id}` : "/cohorts";
    stopHelping(person).then(() => navigate(back));
  };
  const whose = t("Helping: {name}", { name: person.helping.name || "" });
  return html`<div class="helping" role="status"><span>${whose}</span>
    <button type="button" class="small" onClick=${done}>${t("Done helping")}</button></div>`;
}

export function Header({ person }) {
  const who = person ? `${t("Switch person")}: ${nameOf(person)}` : "";
  return html`${person?.helping && html`<${Helping} person=${person} />`}<header class="bar">
    <a class="brand" href="/" aria-label="Chợ Quê Online">Chợ Quê</a>
    <${OutboxStatus} />
    ${person && html`<a class="who" href="/profile#people" aria-label=${who} title=${who}>
      <span class="avatar" aria-hidden="true">${person.user?.full_name ? initial(person.user.full_name) : html`<${Icon} name="user" />`}</span></a>`}
  </header>`;
}

const HOUSEHOLD_NAV = [
  ["/", "home", N_("Home")],
  ["/products", "box", N_("Products")],
  ["/sales", "cash", N_("Sales")],
  ["/learn", "book", N_("Learn")],
  ["/profile", "user", N_("Me")],
];
const STAFF_NAV = [
  ["/cohorts", "people", N_("Cohorts")],
  ["/reports", "chart", N_("Reports")],
  ["/learn", "book", N_("Learn")],
  ["/profile", "user", N_("Me")],
];

export function Nav({ path, roles = [] }) {
  const staff = roles.some((role) => ["trainer", "union_admin", "manager", "admin"].includes(role));
  const links = staff ? STAFF_NAV.filter(([href]) => href !== "/reports" || roles.some((r) => r !== "trainer"))
    : HOUSEHOLD_NAV;
  return html`<nav class="tabs" aria-label=${t("Main menu")}>
    ${links.map(([href, icon, label]) => html`<a href=${href} aria-current=${isHere(path, href) ? "page" : null}>
      <${Icon} name=${icon} /><span>${t(label)}</span></a>`)}
  </nav>`;
}

function isHere(path, href) {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

export function Screen({ name, title, back, children }) {
  useEffect(() => {
    document.title = title ? `${title} · Chợ Quê Online` : "Chợ Quê Online";
  }, [title]);
  return html`<main data-screen=${name} class="screen" id="main">
    ${back && html`<a class="back" href=${back}><${Icon} name="back" />${t("Back")}</a>`}
    ${title && html`<h1>${title}</h1>`}
    ${children}
  </main>`;
}

// A labelled form control; the API field's name is the control's name (SPEC §7 hooks).
export function Field({ label, hint, error, children }) {
  return html`<label class=${`field${error ? " invalid" : ""}`}>
    <span class="label">${label}</span>
    ${children}
    ${hint && html`<span class="hint">${hint}</span>`}
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </label>`;
}

export function Notice({ kind = "info", children }) {
  return html`<p class=${`notice ${kind}`} role=${kind === "error" ? "alert" : "status"}>${children}</p>`;
}

// What to tell the person about a failed request, in their language (the server's message when it has one).
export function problem(error) {
  if (error instanceof Offline) return t("No connection. Try again when you have signal.");
  if (error instanceof ApiError) return error.message;
  return t("Something went wrong. Please try again.");
}

// Field errors of an ApiError, as {field: "message"} for the form.
export function fieldErrors(error) {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(Object.entries(error.errors || {}).map(([field, messages]) =>
    [field, Array.isArray(messages) ? messages.join(" ") : typeof messages === "string" ? messages : ""]));
}

// Re-render when the signed-in person changes (name, tokens, language).
export function usePerson() {
  const [person, setPerson] = useState(session.me());
  useEffect(() => session.subscribe(setPerson), []);
  return person;
}

export function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export function OfflineNotice() {
  return html`<${Notice} kind="warn"><${Icon} name="cloud" />${t("You are offline. What you do is kept on this phone and sent later.")}<//>`;
}
