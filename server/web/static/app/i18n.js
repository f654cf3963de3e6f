// The app's words, from the same Babel catalogs as the API's (locales/<lang>/LC_MESSAGES/app.po),
// loaded as one JSON file per language. Messages are written in English in the code; Vietnamese is
// the default language. Placeholders are {name}; parameters are given as an object.

export const LANGUAGES = ["vi", "en"];
const PLURAL = { vi: () => 0, en: (n) => (n === 1 ? 0 : 1) };
const LOCALE = { vi: "vi-VN", en: "en-GB" };

let language = "vi";
let messages = {};
// Messages asked for that the catalog does not have: the browser tests read it (none allowed in vi).
export const missing = new Set();

function fill(text, params) {
  return params ? text.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole)) : text;
}

// Marks a message for the catalog where it is defined; it is translated with t() where it is shown.
export const N_ = (msgid) => msgid;

export function t(msgid, params) {
  const found = messages[msgid];
  if (found === undefined && language !== "en") missing.add(msgid);
  return fill(typeof found === "string" ? found : msgid, params);
}

export function tn(singular, plural, count, params) {
  const forms = messages[singular];
  const index = PLURAL[language](count);
  if (forms === undefined && language !== "en") missing.add(singular);
  const text = Array.isArray(forms) ? forms[Math.min(index, forms.length - 1)] : index === 0 ? singular : plural;
  return fill(text, { count, ...params });
}

export function currentLanguage() {
  return language;
}

const SAVED = "choque.language";

// The language chosen on this phone before anyone signed in (or by the last person who chose one).
export function savedLanguage() {
  return localStorage.getItem(SAVED);
}

export async function loadLanguage(wanted, { remember = false } = {}) {
  const next = LANGUAGES.includes(wanted) ? wanted : "vi";
  if (remember) localStorage.setItem(SAVED, next);
  const response = await fetch(import.meta.resolve(`assets/i18n/${next}.json`));
  messages = (await response.json()).messages;
  language = next;
  document.documentElement.lang = next;
  return next;
}

export function money(vnd) {
  if (vnd === null || vnd === undefined || vnd === "") return "";
  return new Intl.NumberFormat(LOCALE[language], { style: "currency", currency: "VND", maximumFractionDigits: 0 })
    .format(vnd);
}

export function day(value) {
  if (!value) return "";
  const date = typeof value === "string" && value.length === 10 ? new Date(`${value}T00:00:00`) : new Date(value);
  return new Intl.DateTimeFormat(LOCALE[language], { day: "numeric", month: "numeric", year: "numeric" })
    .format(date);
}

// "180.000", "180 000 đ" -> 180000: amounts as people type them.
export function amount(text) {
  const digits = String(text ?? "").replace(/[^\d]/g, "");
  return digits ? Number(digits) : NaN;
}

// Today in Vietnam (UTC+7) as YYYY-MM-DD: the calendar the programme counts in.
export function vietnamToday(now = new Date()) {
  return new Date(now.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}
