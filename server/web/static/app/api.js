// Talking to the API: the person's token, their language, a refresh when the token has expired, and
// errors the screens can show (ApiError carries the server's localized message and field errors).
import { currentLanguage } from "app/i18n.js";
import * as session from "app/session.js";
import * as store from "app/store.js";

const BASE = "/api/v1";
const TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.errors = body?.errors || {};
    this.body = body;
  }
}

// No answer from the server: offline, a dropped line, or a timeout. Changes wait in the outbox.
export class Offline extends Error {}

const refreshing = new Map();

// One refresh per person at a time; parallel requests wait for it instead of racing with the old token.
async function refreshed(person) {
  if (!refreshing.has(person.id)) {
    refreshing.set(person.id, (async () => {
      try {
        const response = await send("POST", "/auth/refresh", { token: person.refresh });
        const tokens = await response.json();
        if (!response.ok) {
          if (response.status === 401) await session.update(person, { needsSignIn: true });
          throw new ApiError(response.status, tokens);
        }
        return session.update(person, { access: tokens.access_token, refresh: tokens.refresh_token });
      } finally {
        refreshing.delete(person.id);
      }
    })());
  }
  return refreshing.get(person.id);
}

async function send(method, path, { body, form, token, language, timeout = TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const request = { method, headers: { "Accept-Language": language || currentLanguage() }, signal: controller.signal };
  if (token) request.headers.Authorization = `Bearer ${token}`;
  if (form) {
    request.body = form;
  } else if (body !== undefined) {
    request.headers["Content-Type"] = "application/json";
    request.body = JSON.stringify(body);
  }
  try {
    return await fetch(path.startsWith("/api/") ? path : BASE + path, request);
  } catch (error) {
    throw new Offline(error.message);
  } finally {
    clearTimeout(timer);
  }
}

// A request as `person` (the current one by default; null for the public API), in the app's language
// unless `language` says otherwise. Returns the parsed JSON, the raw Response when `raw` is set, or
// throws ApiError / Offline.
export async function api(method, path, { body, form, person = session.me(), raw = false, timeout, language } = {}) {
  // The tokens as stored now: a refresh during a long outbox round must not leave later requests
  // with the rotated ones.
  if (person) person = (await store.person(person.id)) || person;
  let response = await send(method, path, { body, form, token: person?.access, timeout, language });
  if (response.status === 401 && person?.refresh) {
    const renewed = await refreshed(person);
    response = await send(method, path, { body, form, token: renewed.access, timeout, language });
  }
  if (raw && response.ok) return response;
  const text = await response.text();
  const parsed = text ? safeJson(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export const get = (path, options) => api("GET", path, options);
export const post = (path, body, options) => api("POST", path, { ...options, body });
export const patch = (path, body, options) => api("PATCH", path, { ...options, body });
export const put = (path, body, options) => api("PUT", path, { ...options, body });
export const del = (path, options) => api("DELETE", path, options);

// A fresh client id for creates that may be retried (SPEC §5).
export const clientId = () => crypto.randomUUID();
