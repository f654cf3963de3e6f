// Reports for programme managers and union admins (SPEC §6 "Reports"): commune coverage against the
// national 30% target, newly active sellers, training. Every chart has its table beside it with the
// same numbers, and every table downloads as CSV or XLSX exactly as shown (the same question to the
// API, with `format`). Counts only, as the API gives them; only the provinces of the person's scope
// are offered. Offline, the last figures seen are shown with the time they are from.
import { html, useEffect, useMemo, useState } from "preact";
import { api } from "app/api.js";
import { BarChart, Gauge, Legend, roundUp } from "app/charts.js";
import { useData } from "app/data.js";
import { N_, currentLanguage, day, t, tn, vietnamToday } from "app/i18n.js";
import {
  count, decimal, download, monthName, percent, presets, queryOf, readFilters, reportArea, seenAt, useReport, writeFilters,
} from "app/reports.js";
import { Field, Icon, Notice, Screen, problem, useOnline } from "app/ui.js";

const TARGET_PERCENT = 30;
const THRESHOLD = 5;
const CHART_ROWS = 12;

const SELLER_GROUPS = [
  ["commune", N_("Commune/ward")], ["province", N_("Province")], ["month", N_("Month")],
  ["union", N_("Union branch")], ["cohort", N_("Class")],
];
const TRAINING_GROUPS = [["province", N_("Province")], ["union", N_("Union branch")], ["cohort", N_("Class")]];
const SPLITS = {
  kind: [["household", N_("Households")], ["cooperative", N_("Cooperatives")]],
  gender: [["female", N_("Women")], ["male", N_("Men")], ["other", N_("Other gender")], ["unknown", N_("Not stated")]],
};
const BY = [["", N_("All together")], ["kind", N_("Households and cooperatives")], ["gender", N_("Women and men")]];
const PERIODS = [N_("This month"), N_("Last month"), N_("This year")];

const wordsOf = (choices, value) => t(choices.find(([choice]) => choice === value)[1]);

// --- pieces of every report ------------------------------------------------------------------------------

// What the figures on screen are, when they are not this moment's answer.
function Freshness({ report }) {
  // The room the figures will take, kept while they load: what follows does not jump when they come.
  if (report.loading && !report.data) return html`<p class="status-line awaiting" role="status">${t("Loading figures…")}</p>`;
  if (report.error && !report.data) return html`<${Notice} kind="error">${problem(report.error)}<//>`;
  if (!report.savedAt || report.loading) return null;
  const asked = new URLSearchParams(report.query);
  const period = asked.get("from") ? `${day(asked.get("from"))} – ${day(asked.get("to"))}` : day(asked.get("as_of"));
  const words = t("No connection: these are the figures seen on {when}, for {period}.",
    { when: seenAt(report.savedAt), period });
  return html`<${Notice} kind="warn"><${Icon} name="cloud" />${words}<//>`;
}

// CSV and XLSX of exactly what is on screen; they need the network.
function Exports({ kind, report, label }) {
  const online = useOnline();
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const ready = online && report.data && !report.savedAt;
  const save = async (fileFormat) => {
    setBusy(fileFormat);
    setError(null);
    try {
      await download(kind, report.query, fileFormat);
    } catch (failure) {
      setError(problem(failure));
    }
    setBusy(null);
  };
  const csv = () => save("csv");
  const xlsx = () => save("xlsx");
  return html`<div class="exports" role="group" aria-labelledby=${`${kind}-download`}>
    <span class="label" id=${`${kind}-download`}>${label}</span>
    <button type="button" data-format="csv" disabled=${!ready || busy} onClick=${csv}>
      <${Icon} name="download" />${busy === "csv" ? t("Preparing…") : "CSV"}</button>
    <button type="button" data-format="xlsx" disabled=${!ready || busy} onClick=${xlsx}>
      <${Icon} name="download" />${busy === "xlsx" ? t("Preparing…") : "Excel (XLSX)"}</button>
    ${!online && html`<p class="hint">${t("Downloads need a connection.")}</p>`}
    ${error && html`<${Notice} kind="error">${error}<//>`}
  </div>`;
}

function Figure({ label, value, detail, kind = "", children }) {
  return html`<div class=${`figure ${kind}`}>
    <dt>${label}</dt>
    <dd><span class="big-number">${value}</span>${children}${detail && html`<span class="detail">${detail}</span>`}</dd>
  </div>`;
}

// A table that may be wider than the phone scrolls inside its own box, never the page.
function TableBox({ id, caption, children }) {
  return html`<div class="table-box" role="region" aria-labelledby=${`${id}-caption`} tabindex="0">
    <table class="report-table">
      <caption id=${`${id}-caption`}><span>${caption}</span></caption>
      ${children}
    </table>
  </div>`;
}

// The rows of a long table, drawn a few dozen at a time so that the phone keeps answering taps while
// a province's communes are laid out.
const ROWS_AT_ONCE = 40;

function Rows({ items, row }) {
  const [progress, setProgress] = useState({ items, shown: ROWS_AT_ONCE });
  const shown = progress.items === items ? progress.shown : ROWS_AT_ONCE;
  useEffect(() => {
    if (shown >= items.length) return undefined;
    const timer = setTimeout(() => setProgress({ items, shown: shown + ROWS_AT_ONCE }), 0);
    return () => clearTimeout(timer);
  }, [items, shown]);
  return html`<tbody>${(shown >= items.length ? items : items.slice(0, shown)).map(row)}</tbody>`;
}

function Choice({ label, name, value, options, onChange }) {
  const changed = (event) => onChange(event.target.value);
  return html`<${Field} label=${label}>
    <select name=${name} value=${value} onChange=${changed}>
      ${options.map(([option, words]) => html`<option value=${option} selected=${option === value}>${t(words)}</option>`)}
    </select>
  <//>`;
}

function ticksUpTo(max) {
  const step = roundUp(max / 5);
  const ticks = [];
  for (let tick = 0; tick <= max + 1e-9; tick += step) ticks.push(tick);
  return ticks;
}

// The figures of a section, drawn again only when its answer (or the language) changes: a province's
// communes are a long table, and the rest of the screen changes more often than the answer.
function useDrawn(draw, report, ...more) {
  return useMemo(() => report.data && draw(), [report.data, report.query, currentLanguage(), ...more]);
}

// --- commune coverage -----------------------------------------------------------------------------------

function CoverageFigures({ data, where }) {
  const { totals, threshold } = data;
  const asOf = day(data.as_of);
  const caption = t("Communes with at least {threshold} active sellers, by province, on {day}", { threshold, day: asOf });
  const chartTitle = t("Share of communes reaching the bar, by province, on {day}", { day: asOf });
  const covered = t("{covered} of {communes} communes have at least {threshold} active sellers",
    { covered: count(totals.covered_communes), communes: count(totals.communes), threshold });
  const needed = tn("commune needed", "communes needed", totals.target_communes);
  const gap = totals.gap ? tn("more commune needed", "more communes needed", totals.gap) : t("Target reached");
  const targetLabel = t("Target {percent}", { percent: percent(TARGET_PERCENT) });
  const gaugeLabel = t("{percent} of communes; the target is {target}",
    { percent: percent(totals.percent), target: percent(TARGET_PERCENT) });
  const max = Math.min(100, roundUp(Math.max(TARGET_PERCENT, ...data.items.map((item) => item.percent)) * 1.1));
  const description = t("Percent of each province's communes with at least {threshold} active sellers; the line is the {target} target.",
    { threshold, target: percent(TARGET_PERCENT) });
  const coveredTitle = t("Covered (at least {threshold} sellers)", { threshold });
  const bars = data.items.map((item) => ({ label: item.name, value: item.percent }));
  return html`
    <dl class="figures">
      <${Figure} label=${where} value=${percent(totals.percent)} detail=${covered} kind="hero">
        <${Gauge} label=${gaugeLabel} value=${totals.percent} target=${TARGET_PERCENT} />
      <//>
      <${Figure} label=${targetLabel} value=${count(totals.target_communes)} detail=${needed} />
      <${Figure} label=${t("Still to go")} value=${count(totals.gap)} detail=${gap} kind=${totals.gap ? "gap" : "reached"} />
    </dl>
    <div class="report-grid">
      <${BarChart} id="coverage-chart" title=${chartTitle} description=${description} max=${max} ticks=${ticksUpTo(max)}
        target=${TARGET_PERCENT} targetLabel=${targetLabel} format=${percent} rows=${bars} />
      <${TableBox} id="coverage-table" caption=${caption}>
        <thead><tr>
          <th scope="col">${t("Province")}</th>
          <th scope="col" class="num">${t("Communes")}</th>
          <th scope="col" class="num">${coveredTitle}</th>
          <th scope="col" class="num">${t("Percent")}</th>
        </tr></thead>
        <${Rows} items=${data.items} row=${(item) => html`<tr data-province=${item.province_code}>
          <th scope="row">${item.name}</th>
          <td class="num">${count(item.communes)}</td>
          <td class="num">${count(item.covered_communes)}</td>
          <td class="num">${percent(item.percent)}</td>
        </tr>`} />
        ${data.items.length > 1 && html`<tfoot><tr>
          <th scope="row">${t("All")}</th>
          <td class="num">${count(totals.communes)}</td>
          <td class="num">${count(totals.covered_communes)}</td>
          <td class="num">${percent(totals.percent)}</td>
        </tr></tfoot>`}
      <//>
    </div>`;
}

function Coverage({ query, where }) {
  const report = useReport("commune-coverage", query);
  const figures = useDrawn(() => html`<${CoverageFigures} data=${report.data} where=${where} />`, report, where);
  const aim = t("The programme's target: {target} of communes with at least {threshold} sellers active online.",
    { target: percent(TARGET_PERCENT), threshold: THRESHOLD });
  return html`<section class="report" id="coverage" aria-labelledby="coverage-title" aria-busy=${report.loading}>
    <h2 id="coverage-title">${t("Commune coverage")}</h2>
    <p class="meta">${aim}</p>
    <${Freshness} report=${report} />
    ${figures}
    <${Exports} kind="commune-coverage" report=${report} label=${t("Download the coverage:")} />
  </section>`;
}

// --- newly active sellers --------------------------------------------------------------------------------

const GROUP_NAME = {
  commune: (row) => row.commune_name,
  province: (row) => row.province_name,
  month: (row) => monthName(row.month),
  union: (row) => row.union_name,
  cohort: (row) => row.cohort_name,
};

function NewSellersFigures({ data, query }) {
  const asked = new URLSearchParams(query);
  const group = asked.get("group_by");
  const by = asked.get("by") || "";
  const splits = SPLITS[by] || [];
  const groupWords = wordsOf(SELLER_GROUPS, group);
  const period = `${day(asked.get("from"))} – ${day(asked.get("to"))}`;
  const caption = t("Newly active sellers by {group}, {period}", { group: groupWords.toLowerCase(), period });
  const activeOn = t("Active on {day}", { day: day(asked.get("to")) });
  const { items, totals } = data;
  // Months in order; otherwise the groups with the most new sellers (the table holds them all).
  const charted = group === "month" ? items
    : items.filter((row) => row.new_active > 0).sort((a, b) => b.new_active - a.new_active).slice(0, CHART_ROWS);
  const max = roundUp(Math.max(1, ...charted.map((row) => row.new_active)));
  const chartTitle = group === "month" ? caption
    : t("Most newly active sellers by {group}, {period}", { group: groupWords.toLowerCase(), period });
  const description = splits.length ? t("Bars split by {split}.", { split: wordsOf(BY, by).toLowerCase() }) : "";
  const splitWords = splits.map(([, words]) => t(words));
  const splitDetail = splits.filter(([key]) => totals.new_active_by[key] > 0)
    .map(([key, words]) => `${t(words)}: ${count(totals.new_active_by[key])}`).join(" · ") || null;
  const bars = charted.map((row) => ({
    label: GROUP_NAME[group](row),
    value: row.new_active,
    parts: splits.length ? splits.map(([key]) => row.new_active_by[key]) : undefined,
  }));
  const legend = splits.length > 0 && html`<${Legend} names=${splitWords} />`;
  // One province: every commune is in it, so its column would only repeat its name.
  const showProvince = group === "commune" && !asked.get("province");
  const rows = splits.length ? 2 : 1;
  const measureScope = splits.length ? "colgroup" : "col";
  return html`
    <dl class="figures">
      <${Figure} label=${t("Newly active in the period")} value=${count(totals.new_active)} detail=${splitDetail} kind="main" />
      <${Figure} label=${activeOn} value=${count(totals.active_total)} />
    </dl>
    <div class=${splits.length ? "report-grid stacked" : "report-grid"}>
      ${charted.length ? html`<${BarChart} id="new-sellers-chart" title=${chartTitle} description=${description}
          max=${max} ticks=${ticksUpTo(max)} format=${count} rows=${bars} legend=${legend} />`
      : html`<p class="empty">${t("No newly active sellers in this period.")}</p>`}
      <${TableBox} id="new-sellers-table" caption=${caption}>
        <thead>
          <tr>
            <th scope="col" rowspan=${rows}>${groupWords}</th>
            ${showProvince && html`<th scope="col" rowspan=${rows}>${t("Province")}</th>`}
            <th scope=${measureScope} colspan=${splits.length + 1} class="num">${t("Newly active")}</th>
            <th scope=${measureScope} colspan=${splits.length + 1} class="num">${activeOn}</th>
          </tr>
          ${splits.length > 0 && html`<tr>
            ${[0, 1].map(() => html`<th scope="col" class="num">${t("All")}</th>
              ${splitWords.map((words) => html`<th scope="col" class="num">${words}</th>`)}`)}
          </tr>`}
        </thead>
        <${Rows} items=${items} row=${(row) => html`<tr>
          <th scope="row">${GROUP_NAME[group](row)}</th>
          ${showProvince && html`<td>${row.province_name}</td>`}
          <td class="num">${count(row.new_active)}</td>
          ${splits.map(([key]) => html`<td class="num">${count(row.new_active_by[key])}</td>`)}
          <td class="num">${count(row.active_total)}</td>
          ${splits.map(([key]) => html`<td class="num">${count(row.active_total_by[key])}</td>`)}
        </tr>`} />
        <tfoot><tr>
          <th scope="row">${t("All")}</th>
          ${showProvince && html`<td></td>`}
          <td class="num">${count(totals.new_active)}</td>
          ${splits.map(([key]) => html`<td class="num">${count(totals.new_active_by[key])}</td>`)}
          <td class="num">${count(totals.active_total)}</td>
          ${splits.map(([key]) => html`<td class="num">${count(totals.active_total_by[key])}</td>`)}
        </tr></tfoot>
      <//>
    </div>`;
}

function NewSellers({ query, groupBy, by, onChange }) {
  const report = useReport("new-active-sellers", query);
  const figures = useDrawn(() => html`<${NewSellersFigures} data=${report.data} query=${report.query} />`, report);
  const chooseGroup = (value) => onChange("group_by", value);
  const chooseSplit = (value) => onChange("by", value);
  return html`<section class="report" id="new-sellers" aria-labelledby="new-sellers-title" aria-busy=${report.loading}>
    <h2 id="new-sellers-title">${t("Newly active sellers")}</h2>
    <p class="meta">${t("Sellers who first had a product with a photo on sale and a sale or a shop link elsewhere.")}</p>
    <form class="report-controls" onSubmit=${(event) => event.preventDefault()}>
      <${Choice} label=${t("By")} name="group_by" value=${groupBy} options=${SELLER_GROUPS} onChange=${chooseGroup} />
      <${Choice} label=${t("Split")} name="by" value=${by} options=${BY} onChange=${chooseSplit} />
    </form>
    <${Freshness} report=${report} />
    ${figures}
    <${Exports} kind="new-active-sellers" report=${report} label=${t("Download the new sellers:")} />
  </section>`;
}

// --- training ----------------------------------------------------------------------------------------------

const TRAINING_NAME = {
  province: (row) => row.province_name,
  union: (row) => row.union_name,
  cohort: (row) => row.cohort_name,
};

function TrainingFigures({ data, query }) {
  const asked = new URLSearchParams(query);
  const group = asked.get("group_by");
  const groupWords = wordsOf(TRAINING_GROUPS, group);
  const period = `${day(asked.get("from"))} – ${day(asked.get("to"))}`;
  const caption = t("Training by {group}, {period}", { group: groupWords.toLowerCase(), period });
  const { items, totals } = data;
  const charted = items.filter((row) => row.learners > 0).slice(0, CHART_ROWS * 2);
  const chartTitle = t("Completion rate by {group}, {period}", { group: groupWords.toLowerCase(), period });
  const description = t("Percent of the lessons worked on in the period that were completed.");
  const bars = charted.map((row) => ({ label: TRAINING_NAME[group](row), value: row.completion_rate }));
  const median = totals.median_days_to_first_listing;
  const days = median === null ? t("Nobody has listed yet") : null;
  const lessons = tn("{count} lesson completed", "{count} lessons completed", totals.lessons_completed,
    { count: count(totals.lessons_completed) });
  return html`
    <dl class="figures">
      <${Figure} label=${t("Learners in the period")} value=${count(totals.learners)} detail=${lessons} kind="hero" />
      <${Figure} label=${t("Completion rate")} value=${percent(totals.completion_rate)} />
      <${Figure} label=${t("Days from joining a class to the first listing (median)")} value=${decimal(median)} detail=${days} />
    </dl>
    <div class="report-grid">
      ${charted.length ? html`<${BarChart} id="training-chart" title=${chartTitle} description=${description} max=${100}
          ticks=${[0, 25, 50, 75, 100]} format=${percent} rows=${bars} />`
      : html`<p class="empty">${t("Nobody worked on a lesson in this period.")}</p>`}
      <${TableBox} id="training-table" caption=${caption}>
        <thead><tr>
          <th scope="col">${groupWords}</th>
          <th scope="col" class="num">${t("Learners")}</th>
          <th scope="col" class="num">${t("Lessons completed")}</th>
          <th scope="col" class="num">${t("Completion rate")}</th>
          <th scope="col" class="num">${t("Days to first listing (median)")}</th>
        </tr></thead>
        <${Rows} items=${items} row=${(row) => html`<tr>
          <th scope="row">${TRAINING_NAME[group](row)}</th>
          <td class="num">${count(row.learners)}</td>
          <td class="num">${count(row.lessons_completed)}</td>
          <td class="num">${percent(row.completion_rate)}</td>
          <td class="num">${decimal(row.median_days_to_first_listing)}</td>
        </tr>`} />
        ${items.length > 1 && html`<tfoot><tr>
          <th scope="row">${t("All")}</th>
          <td class="num">${count(totals.learners)}</td>
          <td class="num">${count(totals.lessons_completed)}</td>
          <td class="num">${percent(totals.completion_rate)}</td>
          <td class="num">${decimal(median)}</td>
        </tr></tfoot>`}
      <//>
    </div>`;
}

function Training({ query, groupBy, onChange }) {
  const report = useReport("training", query);
  const figures = useDrawn(() => html`<${TrainingFigures} data=${report.data} query=${report.query} />`, report);
  const chooseGroup = (value) => onChange("training_group_by", value);
  return html`<section class="report" id="training" aria-labelledby="training-title" aria-busy=${report.loading}>
    <h2 id="training-title">${t("Training")}</h2>
    <form class="report-controls" onSubmit=${(event) => event.preventDefault()}>
      <${Choice} label=${t("By")} name="group_by" value=${groupBy} options=${TRAINING_GROUPS} onChange=${chooseGroup} />
    </form>
    <${Freshness} report=${report} />
    ${figures}
    <${Exports} kind="training" report=${report} label=${t("Download the training:")} />
  </section>`;
}

// --- the screen ------------------------------------------------------------------------------------------

function Period({ filters, onChange }) {
  const today = vietnamToday();
  const pick = (end) => (event) => {
    if (event.target.value) onChange(Object.fromEntries([[end, event.target.value]]));
  };
  const choose = (from, to) => () => onChange(Object.fromEntries([["from", from], ["to", to]]));
  return html`<fieldset class="period">
    <legend class="label">${t("Period")}</legend>
    <div class="period-line">
      <div class="row-fields">
        <${Field} label=${t("From")}>
          <input type="date" name="from" value=${filters.from} max=${filters.to} required onChange=${pick("from")} />
        <//>
        <${Field} label=${t("To")}>
          <input type="date" name="to" value=${filters.to} min=${filters.from} max=${today} required onChange=${pick("to")} />
        <//>
      </div>
      <div class="chips">${presets(today, PERIODS).map(([words, from, to]) => html`<button type="button" class="chip"
        aria-pressed=${filters.from === from && filters.to === to} onClick=${choose(from, to)}>${t(words)}</button>`)}</div>
    </div>
    <p class="hint">${t("Days in Vietnam time; the first and the last day are both counted.")}</p>
  </fieldset>`;
}

const firstFilters = () => readFilters(SELLER_GROUPS.map(([value]) => value), TRAINING_GROUPS.map(([value]) => value),
  Object.keys(SPLITS));

export default function Reports({ person }) {
  const me = useData("me", () => api("GET", "/me"));
  const provinces = useData("provinces", () => api("GET", "/provinces", { person: null }));
  const user = me.data || person.user;
  const area = reportArea(user);
  const online = useOnline();
  const [filters, setFilters] = useState(firstFilters);
  const change = (changes) => setFilters((before) => {
    const next = { ...before, ...changes };
    writeFilters(next);
    return next;
  });
  const names = Object.fromEntries((provinces.data || []).map((province) => [province.code, province.name]));
  const offered = area.codes || (provinces.data || []).map((province) => province.code);
  // One province: that one. Several, or the whole country: all of them, or one chosen among them.
  const single = area.codes?.length === 1 ? area.codes[0] : null;
  const province = single || (offered.includes(filters.province) ? filters.province : "");
  const everywhere = area.national ? t("Whole country") : t("All my provinces");
  const where = province ? names[province] || province : everywhere;
  const groupBy = filters.group_by || (province ? "commune" : "province");
  const common = { province, from: filters.from, to: filters.to };
  const coverageQuery = queryOf({ as_of: filters.to, threshold: THRESHOLD, province });
  const sellersQuery = queryOf({ ...common, group_by: groupBy, by: filters.by });
  const trainingQuery = queryOf({ ...common, group_by: filters.training_group_by });
  const setGroup = (name, value) => change(Object.fromEntries([[name, value]]));
  const language = currentLanguage();
  // The sections redraw when their question changes, not each time /me or the province names arrive.
  const coverage = useMemo(() => html`<${Coverage} query=${coverageQuery} where=${where} />`,
    [coverageQuery, where, language]);
  const sellers = useMemo(() => html`<${NewSellers} query=${sellersQuery} groupBy=${groupBy} by=${filters.by} onChange=${setGroup} />`,
    [sellersQuery, language]);
  const training = useMemo(() => html`<${Training} query=${trainingQuery} groupBy=${filters.training_group_by} onChange=${setGroup} />`,
    [trainingQuery, language]);
  if (!area.allowed) {
    return html`<${Screen} name="reports" title=${t("Reports")}>
      <${Notice}>${t("Reports are for programme managers and union admins.")}<//>
      <a class="button primary big" href="/">${t("Home")}</a>
    <//>`;
  }
  const options = [...(single ? [] : [["", everywhere]]), ...offered.map((code) => [code, names[code] || code])];
  const chooseProvince = (event) => change(Object.fromEntries([["province", event.target.value]]));
  const print = () => window.print();
  return html`<${Screen} name="reports" title=${t("Reports")}>
    ${!online && html`<${Notice} kind="warn"><${Icon} name="cloud" />${t("No connection: the figures are the last ones seen on this phone. Downloads need a connection.")}<//>`}
    <form class="filters card" onSubmit=${(event) => event.preventDefault()}>
      <${Field} label=${t("Province")}>
        <select name="province" value=${province} onChange=${chooseProvince}>
          ${options.map(([code, words]) => html`<option value=${code} selected=${code === province}>${words}</option>`)}
        </select>
      <//>
      <${Period} filters=${filters} onChange=${change} />
    </form>
    ${area.branchesOnly && html`<p class="meta">${t("Only the sellers in your branch's classes are counted.")}</p>`}
    <nav class="jump" aria-label=${t("On this page")}>
      <a href="#coverage">${t("Coverage")}</a>
      <a href="#new-sellers">${t("New sellers")}</a>
      <a href="#training">${t("Training")}</a>
      <button type="button" class="print small" onClick=${print}>${t("Print")}</button>
    </nav>
    ${coverage}
    ${sellers}
    ${training}
    <p class="meta">${t("Counts only: reports never show names or phone numbers.")}</p>
  <//>`;
}
