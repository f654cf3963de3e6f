// What the reports screen asks and keeps: who reports on which provinces, the period in Vietnam days,
// the report answers with the last copy kept on the phone, downloads, and numbers in the person's
// language. The screen itself (screens/reports.js) only shows them.
import { useEffect, useState } from "preact";
import { Offline, api } from "app/api.js";
import { currentLanguage, vietnamToday } from "app/i18n.js";
import * as session from "app/session.js";
import * as store from "app/store.js";

// --- numbers and days in the person's language -------------------------------------------------------

const formats = new Map();

// One Intl formatter per language and kind: a commune table writes hundreds of numbers.
function format(kind, options) {
  const key = `${currentLanguage()}:${kind}`;
  if (!formats.has(key)) {
    const locale = currentLanguage() === "en" ? "en-GB" : "vi-VN";
    formats.set(key, kind.startsWith("date") ? new Intl.DateTimeFormat(locale, options) : new Intl.NumberFormat(locale, options));
  }
  return formats.get(key);
}

export const count = (value) => format("count").format(value ?? 0);
export const percent = (value) => format("percent", { style: "percent", maximumFractionDigits: 1 }).format((value ?? 0) / 100);
export const decimal = (value) => (value === null || value === undefined ? "—"
  : format("decimal", { maximumFractionDigits: 1 }).format(value));
export const monthName = (label) => format("date-month", { month: "long", year: "numeric" })
  .format(new Date(`${label}-01T00:00:00`));
export const seenAt = (moment) => format("date-time", { dateStyle: "short", timeStyle: "short" }).format(new Date(moment));

// --- who reports on what ---------------------------------------------------------------------------------

const REPORT_ROLES = ["manager", "admin", "union_admin"];

// The provinces the person reports on, as the server decides it (server.permissions.report_area):
// managers and admins their provinces or the whole country; union admins their branches' provinces,
// counting only the sellers of their branches' classes.
export function reportArea(user) {
  const roles = user?.roles || [];
  const scopes = user?.scopes || [];
  const allowed = roles.some((role) => REPORT_ROLES.includes(role));
  const managing = roles.includes("admin") || roles.includes("manager");
  const grants = scopes.filter((scope) => (managing ? ["manager", "admin"] : ["union_admin"]).includes(scope.role));
  const national = roles.includes("admin") || grants.some((scope) => !scope.province_code);
  const codes = national ? null : [...new Set(grants.map((scope) => scope.province_code))].sort();
  return { allowed, national, codes, branchesOnly: allowed && !managing };
}

// --- the question, kept in the address -----------------------------------------------------------------

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const monthStart = (isoDay) => `${isoDay.slice(0, 8)}01`;

function dayBefore(isoDay) {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

// [msgid, from, to] of the periods a manager asks for most.
export function presets(today, [thisMonth, lastMonth, thisYear]) {
  const lastMonthEnd = dayBefore(monthStart(today));
  return [
    [thisMonth, monthStart(today), today],
    [lastMonth, monthStart(lastMonthEnd), lastMonthEnd],
    [thisYear, `${today.slice(0, 4)}-01-01`, today],
  ];
}

// The filters of the address (/reports?province=08&from=…), or the current month in Vietnam days.
export function readFilters(groups, trainingGroups, splits) {
  const asked = new URLSearchParams(location.search);
  const given = (name) => (DAY.test(asked.get(name) || "") ? asked.get(name) : null);
  const one = (name, choices, fallback) => (choices.includes(asked.get(name)) ? asked.get(name) : fallback);
  const to = given("to") || vietnamToday();
  return {
    province: asked.get("province") || "",
    from: given("from") || monthStart(to),
    to,
    group_by: one("group_by", groups, ""),
    by: one("by", splits, ""),
    training_group_by: one("training_group_by", trainingGroups, trainingGroups[0]),
  };
}

// The address keeps the question, so a bookmark or a reload opens the same figures; no history step.
export function writeFilters(filters) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  history.replaceState(history.state, "", `/reports?${query}`);
}

export function queryOf(fields) {
  return new URLSearchParams(Object.entries(fields).filter(([, value]) => value !== "" && value !== null)).toString();
}

// --- answers, with the last copy kept on this phone ---------------------------------------------------

const same = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);

// {data, query, savedAt, error, loading} of GET /reports/<kind>?<query>. One copy per report and person
// is kept: shown at once when it answers the same question, and offline whatever question it answers
// (`query` says which). An answer equal to the copy keeps the copy's object, so nothing is redrawn.
export function useReport(kind, query) {
  const [state, setState] = useState({ data: null, query: null, savedAt: null, error: null, loading: true });
  useEffect(() => {
    let live = true;
    const personId = session.me()?.id || 0;
    const name = `report:${kind}`;
    setState((before) => ({ ...before, loading: true, error: null }));
    store.cached(personId, name).then((copy) => {
      if (!live || copy?.value?.query !== query) return;
      setState((before) => (before.loading ? { ...before, data: copy.value.data, query, savedAt: copy.savedAt } : before));
    });
    api("GET", `/reports/${kind}?${query}`).then((data) => {
      if (!live) return;
      setState((before) => ({
        data: before.query === query && same(before.data, data) ? before.data : data,
        query, savedAt: null, error: null, loading: false,
      }));
      store.keep(personId, name, { query, data });
    }, async (error) => {
      const copy = error instanceof Offline ? await store.cached(personId, name) : null;
      if (!live) return;
      if (copy) setState({ data: copy.value.data, query: copy.value.query, savedAt: copy.savedAt, error, loading: false });
      else setState({ data: null, query: null, savedAt: null, error, loading: false });
    });
    return () => { live = false; };
  }, [kind, query]);
  return state;
}

// --- downloads ---------------------------------------------------------------------------------------------

// The same question as on screen, as a CSV or XLSX file, with the person's token: saved by the browser
// under the server's file name.
export async function download(kind, query, fileFormat) {
  const response = await api("GET", `/reports/${kind}?${query}&format=${fileFormat}`, { raw: true });
  const blob = await response.blob();
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = named ? named[1] : `${kind}.${fileFormat}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 30000);
}
