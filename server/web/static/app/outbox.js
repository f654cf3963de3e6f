// The outbox: every change made on this phone, as a typed item with its client id, kept in IndexedDB
// until the server has acknowledged it. Sent in order, in small batches, on start, on reconnect, when
// the app becomes visible and when the person taps "Send now". The server's idempotency (client ids,
// same content = same answer) makes sending an item twice harmless, so an item is removed only after
// a 2xx answer. A change the server refuses is set aside with its message; the rest keeps flowing.
import { ApiError, Offline, api } from "app/api.js";
import * as session from "app/session.js";
import * as store from "app/store.js";

const EVENTS_PER_BATCH = 100;
// Kinds whose answer the screens show later (the quiz's marks, the enrolment's SMS), kept on the phone.
const KEEP_ANSWER = new Set(["attempt", "enrolment"]);
const RETRY_MS = 30000;
const listeners = new Set();

// How each kind of change reaches the API.
const SENDERS = {
  progress: null, // sent in batches, see sendEvents
  attempt: (item, person) => api("POST", `/lessons/${item.payload.lesson}/attempts`,
    { body: { id: item.id, answers: item.payload.answers }, person }),
  sale: (item, person) => api("POST", `/sellers/${item.payload.seller}/sales`,
    { body: { ...item.payload.sale, id: item.id }, person }),
  product: (item, person) => api("POST", `/sellers/${item.payload.seller}/products`,
    { body: { ...item.payload.fields, id: item.id }, person }),
  product_edit: (item, person) => api("PATCH", `/products/${item.payload.product}`,
    { body: item.payload.changes, person }),
  product_publish: (item, person) => api("POST", `/products/${item.payload.product}/publish`, { person }),
  photo: async (item, person) => {
    const form = new FormData();
    form.append("id", item.id);
    form.append("file", await store.blobOf(item.seq), "photo.jpg");
    return api("POST", `/products/${item.payload.product}/photos`, { form, person, timeout: 120000 });
  },
  photo_order: (item, person) => api("PUT", `/products/${item.payload.product}/photos/order`,
    { body: { photo_ids: item.payload.photo_ids }, person }),
  enrolment: (item, person) => api("POST", `/cohorts/${item.payload.cohort}/members`,
    { body: item.payload.enrolment, person }),
  attendance: (item, person) => api("POST", `/cohorts/${item.payload.cohort}/sessions`,
    { body: { ...item.payload.session, id: item.id }, person }),
};

export const KINDS = Object.keys(SENDERS);

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function changed() {
  const person = session.me();
  const items = person ? await store.outboxOf(person.id) : [];
  for (const listener of listeners) listener(items);
}

// Queue a change of the current person; `id` is its client id (generated when not given).
export async function add(kind, payload, { id = crypto.randomUUID(), blob, label } = {}) {
  const person = session.me();
  if (!SENDERS.hasOwnProperty(kind)) throw new Error(`unknown outbox kind ${kind}`);
  const item = { person: person.id, kind, id, payload, label, state: "pending", createdAt: Date.now(), tries: 0 };
  item.seq = await store.addToOutbox(item, blob);
  await changed();
  flushSoon();
  return item;
}

export async function items(personId = session.me()?.id) {
  return personId ? store.outboxOf(personId) : [];
}

export async function retry(item) {
  await store.updateOutboxItem({ ...item, state: "pending", error: null });
  await changed();
  return flush();
}

export async function discard(item) {
  await store.removeFromOutbox([item.seq]);
  await changed();
}

// What a refusal means for the rest of the queue: set this item aside, or stop and try again later.
function verdict(error) {
  if (error instanceof Offline) return "stop";
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 429 || error.status >= 500) return "stop";
    return "refused";
  }
  return "stop";
}

async function setAside(item, error) {
  await store.updateOutboxItem({
    ...item, state: "refused", tries: item.tries + 1,
    error: { status: error.status, message: error.message, errors: error.errors },
  });
}

async function sendEvents(batch, person) {
  const answer = await api("POST", "/progress/events", { body: { events: batch.map((i) => ({ ...i.payload, id: i.id })) }, person });
  const refused = new Map(answer.rejected.map((r) => [r.index, r.errors]));
  const done = [];
  for (const [index, item] of batch.entries()) {
    if (refused.has(index)) {
      const errors = refused.get(index);
      await setAside(item, { status: 422, message: Object.values(errors).flat().join(" "), errors });
    } else {
      done.push(item.seq);
    }
  }
  await store.removeFromOutbox(done);
}

async function flushPerson(person) {
  const queue = (await store.outboxOf(person.id)).filter((item) => item.state === "pending");
  while (queue.length) {
    const item = queue[0];
    let batch = [item];
    try {
      if (item.kind === "progress") {
        batch = [];
        while (queue[batch.length]?.kind === "progress" && batch.length < EVENTS_PER_BATCH) batch.push(queue[batch.length]);
        await sendEvents(batch, person);
      } else {
        const answer = await SENDERS[item.kind](item, person);
        if (KEEP_ANSWER.has(item.kind)) await store.keep(person.id, `${item.kind}:${item.id}`, answer);
        await store.removeFromOutbox([item.seq]);
      }
    } catch (error) {
      if (verdict(error) === "stop") return false;
      for (const refused of batch) await setAside(refused, error);
    }
    queue.splice(0, batch.length);
    await changed();
  }
  return true;
}

let running = null;
let again = false;

async function round() {
  let clear = true;
  for (const person of await session.everyone()) {
    if (person.needsSignIn || !person.access) continue;
    clear = (await flushPerson(person)) && clear;
  }
  return clear;
}

// Send what waits, for everyone signed in on this phone (each with their own token), one run at a
// time across the app's tabs. A change queued (or "Send now" tapped) while a round is under way gets
// a round of its own straight after, not at the next retry. Resolves to true when nothing pending is left.
export function flush() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      let clear;
      do {
        again = false;
        clear = navigator.locks ? await navigator.locks.request("choque-outbox", round) : await round();
      } while (again);
      return clear;
    } finally {
      running = null;
      await changed();
    }
  })();
  return running;
}

let timer = null;

function flushSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => { if (navigator.onLine) flush(); }, 50);
}

export function start() {
  window.addEventListener("online", flushSoon);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") flushSoon(); });
  setInterval(async () => {
    if (navigator.onLine && (await items()).some((item) => item.state === "pending")) flush();
  }, RETRY_MS);
  session.subscribe(() => changed());
  flushSoon();
}
