// A trainer's cohorts (a union admin's: all of the branch), how many households need a visit, a new
// cohort; for union admins, the branch's trainers too.
import { html, useEffect, useRef, useState } from "preact";
import { api } from "app/api.js";
import { fresh, useData } from "app/data.js";
import { day, t, tn, vietnamToday } from "app/i18n.js";
import { navigate } from "app/router.js";
import { branches } from "app/staff.js";
import { Field, Icon, Notice, OfflineNotice, Screen, fieldErrors, localPhone, problem, useOnline } from "app/ui.js";

function NeedsHelp({ cohort }) {
  const [count, setCount] = useState(null);
  useEffect(() => {
    fresh(`progress:${cohort.id}`, () => api("GET", `/cohorts/${cohort.id}/progress`))
      .then((answer) => setCount(answer.value.items.filter((item) => item.needs_help).length)).catch(() => null);
  }, [cohort.id]);
  if (count === null) return null;
  const words = count ? tn("{count} household needs a visit", "{count} households need a visit", count)
    : t("Nobody needs a visit");
  return html`<span class=${count ? "badge waiting" : "badge published"}>${words}</span>`;
}

function CohortCard({ cohort }) {
  const members = tn("{count} household", "{count} households", cohort.member_count);
  const communes = tn("{count} commune", "{count} communes", cohort.commune_codes.length);
  const since = t("From {day}", { day: day(cohort.starts_on) });
  return html`<li><a class="cohort-card" href=${`/cohorts/${cohort.id}`}>
    <span class="title">${cohort.name}</span>
    <span class="meta">${cohort.union_name} · ${since}</span>
    <span>${members} · ${communes}</span>
    <${NeedsHelp} cohort=${cohort} />
  </a></li>`;
}

// Communes found by typing without accents, ticked one by one ("na hang" finds "Nà Hang").
function CommuneChoice({ province, chosen, onChange, error }) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState([]);
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    if (query.trim().length < 2) return undefined;
    timer.current = setTimeout(async () => {
      const where = province ? `&province=${province}` : "";
      const page = await api("GET", `/communes?q=${encodeURIComponent(query)}${where}&page_size=10`, { person: null })
        .catch(() => ({ items: [] }));
      setFound(page.items);
    }, 250);
    return () => clearTimeout(timer.current);
  }, [query, province]);
  const toggle = (commune, on) => onChange(on ? [...chosen.filter((c) => c.code !== commune.code), commune]
    : chosen.filter((c) => c.code !== commune.code));
  const shown = [...chosen, ...found.filter((commune) => !chosen.some((c) => c.code === commune.code))];
  return html`<fieldset class="field">
    <legend class="label">${t("Communes of the cohort")}</legend>
    <label class="field inner"><span class="label">${t("Type the name of a commune or ward")}</span>
      <input type="search" name="commune_search" autocomplete="off" value=${query} placeholder=${t("e.g. na hang")}
        onInput=${(e) => setQuery(e.target.value)} /></label>
    ${shown.map((commune) => html`<label class="choice">
      <input type="checkbox" name="commune_codes" value=${commune.code} checked=${chosen.some((c) => c.code === commune.code)}
        onChange=${(e) => toggle(commune, e.target.checked)} /><span>${commune.name}</span></label>`)}
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </fieldset>`;
}

function NewCohort({ person, onCreated }) {
  const online = useOnline();
  const mine = branches(person);
  const tracks = useData("tracks:choice", () => api("GET", "/tracks"));
  const [name, setName] = useState("");
  const [unionId, setUnionId] = useState(mine[0]?.union_id || "");
  const [startsOn, setStartsOn] = useState(vietnamToday());
  const [communes, setCommunes] = useState([]);
  const [trackSlugs, setTrackSlugs] = useState([]);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const branch = mine.find((scope) => scope.union_id === Number(unionId));
  const create = async (event) => {
    event.preventDefault();
    setErrors({});
    try {
      const cohort = await api("POST", "/cohorts", { body: {
        name, union_id: Number(unionId), starts_on: startsOn, commune_codes: communes.map((c) => c.code),
        track_slugs: trackSlugs } });
      onCreated(cohort);
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage(problem(error));
    }
  };
  const tick = (slug, on) => setTrackSlugs(on ? [...trackSlugs, slug] : trackSlugs.filter((s) => s !== slug));
  return html`<details class="card" open=${false}>
    <summary>${t("Create a cohort")}</summary>
    <form onSubmit=${create} novalidate>
      <${Field} label=${t("Name of the cohort")} hint=${t("For example: Lớp bán hàng online Nà Hang khóa 1")} error=${errors.name}>
        <input name="name" value=${name} onInput=${(e) => setName(e.target.value)} required maxlength="120" /><//>
      ${mine.length > 1 && html`<${Field} label=${t("Union branch")} error=${errors.union_id}>
        <select name="union_id" value=${unionId} onChange=${(e) => setUnionId(e.target.value)}>
          ${mine.map((scope) => html`<option value=${scope.union_id}>${scope.union_name}</option>`)}</select><//>`}
      <${Field} label=${t("First day")} error=${errors.starts_on}>
        <input type="date" name="starts_on" value=${startsOn} onInput=${(e) => setStartsOn(e.target.value)} /><//>
      <${CommuneChoice} province=${branch?.province_code} chosen=${communes} onChange=${setCommunes} error=${errors.commune_codes} />
      <fieldset class="field"><legend class="label">${t("Tracks taught")}</legend>
        ${(tracks.data || []).map((track) => html`<label class="choice">
          <input type="checkbox" name="track_slugs" value=${track.slug} checked=${trackSlugs.includes(track.slug)}
            onChange=${(e) => tick(track.slug, e.target.checked)} /><span>${track.title}</span></label>`)}
      </fieldset>
      ${message && html`<${Notice} kind="error">${message}<//>`}
      ${!online && html`<${OfflineNotice} />`}
      <button type="submit" class="primary big" disabled=${!online || !name || !communes.length}>${t("Create the cohort")}</button>
    </form>
  </details>`;
}

// A union admin's trainers: invited by phone (they accept in their own app), and removed.
function BranchTrainers({ branch }) {
  const online = useOnline();
  const trainers = useData(`trainers:${branch.union_id}`, () => api("GET", `/unions/${branch.union_id}/trainers`));
  const invited = useData(`trainer-invitations:${branch.union_id}`, () => api("GET", `/unions/${branch.union_id}/invitations`));
  const [phone, setPhone] = useState("");
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const invite = async (event) => {
    event.preventDefault();
    setErrors({});
    try {
      const answer = await api("POST", `/unions/${branch.union_id}/trainers`, { body: { phone } });
      setMessage(answer.status === "pending" ? t("Invitation sent. They become a trainer when they accept in their app.")
        : t("Already a trainer of the branch."));
      setPhone("");
      invited.reload();
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage(problem(error));
    }
  };
  const remove = async (trainer) => {
    const question = t("Stop {name} being a trainer of the branch?", { name: trainer.full_name || localPhone(trainer.phone) });
    if (!confirm(question)) return;
    await api("DELETE", `/unions/${branch.union_id}/trainers/${trainer.user_id}`).catch((error) => setMessage(problem(error)));
    trainers.reload();
  };
  const cancel = async (invitation) => {
    await api("DELETE", `/invitations/${invitation.id}`).catch((error) => setMessage(problem(error)));
    invited.reload();
  };
  const heading = t("Trainers of {branch}", { branch: branch.union_name });
  return html`<section class="card" aria-label=${heading}>
    <h2>${heading}</h2>
    <ul class="plain">
      ${(trainers.data || []).map((trainer) => html`<li class="row"><span>${trainer.full_name || "—"}<br />
        <span class="meta">${localPhone(trainer.phone)}</span></span>
        <button type="button" class="icon-button" aria-label=${t("Remove")} onClick=${() => remove(trainer)}><${Icon} name="trash" /></button></li>`)}
      ${(invited.data?.items || []).map((invitation) => html`<li class="row"><span>${localPhone(invitation.phone)}<br />
        <span class="badge waiting">${t("Waiting for an answer")}</span></span>
        <button type="button" class="small" onClick=${() => cancel(invitation)}>${t("Take back")}</button></li>`)}
    </ul>
    <form onSubmit=${invite} novalidate>
      <${Field} label=${t("Invite a trainer by phone number")} error=${errors.phone}>
        <input type="tel" name="phone" autocomplete="off" value=${phone} onInput=${(e) => setPhone(e.target.value)} /><//>
      ${message && html`<${Notice}>${message}<//>`}
      <button type="submit" disabled=${!online || !phone.trim()}>${t("Send the invitation")}</button>
    </form>
  </section>`;
}

export default function Cohorts({ person }) {
  const cohorts = useData("cohorts", () => api("GET", "/cohorts?page_size=100"));
  const created = (cohort) => {
    cohorts.reload();
    navigate(`/cohorts/${cohort.id}`);
  };
  const items = cohorts.data?.items || [];
  return html`<${Screen} name="cohorts" title=${t("Cohorts")}>
    <${NewCohort} person=${person} onCreated=${created} />
    ${cohorts.error && !cohorts.data && html`<${Notice} kind="error">${problem(cohorts.error)}<//>`}
    ${cohorts.saved && html`<${OfflineNotice} />`}
    ${items.length ? html`<ul class="plain cohorts">${items.map((cohort) => html`<${CohortCard} key=${cohort.id} cohort=${cohort} />`)}</ul>`
      : cohorts.data && html`<p class="empty">${t("No cohort yet. Create the first one above.")}</p>`}
    ${branches(person, "union_admin").map((branch) => html`<${BranchTrainers} key=${branch.union_id} branch=${branch} />`)}
  <//>`;
}
