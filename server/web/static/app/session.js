// Who uses the app right now. A family phone serves several people: each signs in once, keeps their
// own tokens, cached data and outbox, and the header switches between them in two taps.
import * as store from "app/store.js";

const CURRENT = "choque.person";
const listeners = new Set();
let current = null;

// A tiny observable: components re-render when the person (or their tokens, name, language) changes.
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(current);
}

export function me() {
  return current;
}

export async function restore() {
  const id = Number(localStorage.getItem(CURRENT));
  current = (id && (await store.person(id))) || null;
  return current;
}

export async function everyone() {
  const people = await store.people();
  return people.sort((a, b) => (b.usedAt || 0) - (a.usedAt || 0));
}

// After /auth/verify: the person, their tokens and what /me said about them.
export async function signedIn({ access_token, refresh_token, user }) {
  const known = await store.person(user.id);
  current = await store.savePerson({
    ...known, id: user.id, phone: user.phone, user, access: access_token, refresh: refresh_token,
    usedAt: Date.now(), needsSignIn: false,
  });
  localStorage.setItem(CURRENT, String(current.id));
  changed();
  return current;
}

export async function switchTo(id) {
  const found = await store.person(id);
  if (!found) return null;
  current = await store.savePerson({ ...found, usedAt: Date.now() });
  localStorage.setItem(CURRENT, String(id));
  changed();
  return current;
}

// Someone else is about to sign in on this phone: keep everyone, show the sign-in screen.
export function stepAside() {
  current = null;
  localStorage.removeItem(CURRENT);
  changed();
}

export async function update(person, changes) {
  const saved = await store.savePerson({ ...(await store.person(person.id)), ...changes });
  if (current && current.id === person.id) {
    current = saved;
    changed();
  }
  return saved;
}

// Signing out forgets the person on this phone: tokens, cached data and (after a warning) unsent changes.
export async function forget(person) {
  await store.forgetPerson(person.id);
  if (current && current.id === person.id) stepAside();
}
