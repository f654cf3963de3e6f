// One cohort: its households, who needs a visit first and why, how far each got; call or Zalo them,
// help with their products; enrol, take attendance, export the list for the paper report.
import { html, useEffect, useState } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { startHelping } from "app/helping.js";
import { day, t, tn } from "app/i18n.js";
import { navigate } from "app/router.js";
import { branches } from "app/staff.js";
import { Icon, Notice, OfflineNotice, Screen, localPhone, problem, useOnline, useOutbox } from "app/ui.js";

// Who needs a visit first: a failed quiz, then quiet households, then the least far along.
const URGENCY = { failed_quiz: 0, inactive: 1 };

export function byNeed(items) {
  return [...items].sort((a, b) => (URGENCY[a.needs_help_code] ?? 2) - (URGENCY[b.needs_help_code] ?? 2)
    || a.onboarding_percent - b.onboarding_percent);
}

function zalo(phone) {
  return `https://zalo.me/${localPhone(phone).replace(/\s/g, "")}`;
}

function Member({ item, cohortId, person }) {
  const lessons = tn("{count} lesson done", "{count} lessons done", item.lessons_completed);
  const done = t("Done: {percent}%", { percent: item.onboarding_percent });
  const help = () => startHelping(person, item, cohortId).then(() => navigate("/products"));
  const name = item.full_name || localPhone(item.phone);
  const call = t("Call {name}", { name });
  const chat = t("Zalo {name}", { name });
  const selling = item.activated_at ? t("Selling online since {day}", { day: day(item.activated_at) })
    : t("Not selling online yet");
  return html`<li class=${`member${item.needs_help ? " needs-help" : ""}`}>
    <p class="title">${name}</p>
    ${item.needs_help && html`<p class="reason"><strong>${t("Needs a visit:")}</strong> ${item.needs_help_reason}</p>`}
    <div class="progress">
      <progress max="100" value=${item.onboarding_percent} aria-label=${t("Setting up the shop")}>${item.onboarding_percent}%</progress>
      <span>${done}</span>
    </div>
    <p class="meta">${lessons} · ${selling}${item.commune_name ? ` · ${item.commune_name}` : ""}</p>
    <div class="actions">
      ${item.phone && html`<a class="button" href=${`tel:${item.phone}`} aria-label=${call}><${Icon} name="phone" />${t("Call")}</a>`}
      ${item.phone && html`<a class="button" href=${zalo(item.phone)} target="_blank" rel="noopener noreferrer" aria-label=${chat}>Zalo</a>`}
      ${item.seller_id && html`<button type="button" onClick=${help}><${Icon} name="box" />${t("Help with products")}</button>`}
    </div>
  </li>`;
}

function Invited({ invitation, onChange }) {
  const takeBack = async () => {
    await api("DELETE", `/invitations/${invitation.id}`).catch(() => null);
    onChange();
  };
  return html`<li class="row"><span>${localPhone(invitation.phone)}<br /><span class="badge waiting">${t("Waiting for an answer")}</span></span>
    <button type="button" class="small" onClick=${takeBack}>${t("Take back")}</button></li>`;
}

function Export({ cohort }) {
  const online = useOnline();
  const [message, setMessage] = useState(null);
  const download = async (format) => {
    try {
      const response = await api("GET", `/cohorts/${cohort.id}/export?format=${format}`, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      Object.assign(document.createElement("a"), { href: url, download: `lop-${cohort.id}.${format}` }).click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      setMessage(problem(error));
    }
  };
  return html`<section aria-labelledby="export-title">
    <h2 id="export-title">${t("For the paper report")}</h2>
    ${message && html`<${Notice} kind="error">${message}<//>`}
    <div class="actions">
      <button type="button" onClick=${() => download("xlsx")} disabled=${!online}>${t("Download Excel (XLSX)")}</button>
      <button type="button" onClick=${() => download("csv")} disabled=${!online}>${t("Download CSV")}</button>
    </div>
  </section>`;
}

// A union admin chooses who of the branch's trainers runs the cohort.
function Trainers({ cohort, onSaved }) {
  const online = useOnline();
  const trainers = useData(`trainers:${cohort.union_id}`, () => api("GET", `/unions/${cohort.union_id}/trainers`));
  // The ticks are the cohort as last read (the copy on the phone, then the server's answer) with the
  // admin's own ticks over it: a tick made while the phone still showed an older copy keeps its meaning
  // when the server's answer comes. Only trainers shown are sent (a copy may still name one removed
  // from the branch).
  const [ticked, setTicked] = useState({});
  const running = cohort.trainers.map((trainer) => trainer.user_id);
  const chosen = (trainers.data || []).map((trainer) => trainer.user_id)
    .filter((id) => (id in ticked ? ticked[id] : running.includes(id)));
  const [message, setMessage] = useState(null);
  const save = async (event) => {
    event.preventDefault();
    try {
      await api("PUT", `/cohorts/${cohort.id}/trainers`, { body: { trainer_ids: chosen } });
      setMessage(t("Saved."));
      onSaved();
    } catch (error) {
      setMessage(problem(error));
    }
  };
  const tick = (id, on) => setTicked((before) => ({ ...before, [id]: on }));
  return html`<form onSubmit=${save} aria-labelledby="trainers-title">
    <h2 id="trainers-title">${t("Trainers of this cohort")}</h2>
    ${(trainers.data || []).map((trainer) => html`<label class="choice">
      <input type="checkbox" name="trainer_ids" value=${trainer.user_id} checked=${chosen.includes(trainer.user_id)}
        onChange=${(e) => tick(trainer.user_id, e.target.checked)} /><span>${trainer.full_name || localPhone(trainer.phone)}</span></label>`)}
    ${message && html`<${Notice}>${message}<//>`}
    <button type="submit" disabled=${!online || !chosen.length}>${t("Save the trainers")}</button>
  </form>`;
}

export default function Cohort({ person, params }) {
  const id = Number(params.id);
  const cohort = useData(`cohort:${id}`, () => api("GET", `/cohorts/${id}`));
  const progress = useData(`progress:${id}`, () => api("GET", `/cohorts/${id}/progress`));
  const invited = useData(`invitations:${id}`, () => api("GET", `/cohorts/${id}/invitations`));
  const items = useOutbox();
  const queued = items.filter((item) => item.kind === "enrolment" && item.payload.cohort === id);
  // Enrolments the outbox has just delivered are members (or invitations) now.
  useEffect(() => { progress.reload(); invited.reload(); }, [queued.length]);
  if (!cohort.data) {
    return html`<${Screen} name="cohort" title=${t("Cohort")} back="/cohorts">
      ${cohort.error ? html`<${Notice} kind="error">${problem(cohort.error)}<//>` : html`<p>${t("Loading…")}</p>`}<//>`;
  }
  const members = byNeed(progress.data?.items || []);
  const needing = members.filter((item) => item.needs_help).length;
  const summary = tn("{count} household", "{count} households", members.length);
  const visits = tn("{count} needs a visit", "{count} need a visit", needing);
  const isAdmin = branches(person, "union_admin").some((scope) => scope.union_id === cohort.data.union_id);
  return html`<${Screen} name="cohort" title=${cohort.data.name} back="/cohorts">
    <p class="meta">${cohort.data.union_name} · ${summary}${needing ? ` · ${visits}` : ""}</p>
    ${cohort.saved && html`<${OfflineNotice} />`}
    <div class="actions">
      <a class="button primary" href=${`/cohorts/${id}/enrol`}><${Icon} name="plus" />${t("Enrol a household")}</a>
      <a class="button" href=${`/cohorts/${id}/attendance`}><${Icon} name="check" />${t("Take attendance")}</a>
    </div>
    ${queued.length > 0 && html`<${Notice} kind="warn">${tn("{count} enrolment waiting to be sent", "{count} enrolments waiting to be sent", queued.length)}<//>`}
    <section aria-labelledby="members-title">
      <h2 id="members-title">${t("Households, who needs a visit first")}</h2>
      ${members.length ? html`<ul class="plain">${members.map((item) => html`<${Member} key=${item.user_id} item=${item} cohortId=${id} person=${person} />`)}</ul>`
        : progress.data && html`<p class="empty">${t("No household yet. Enrol the first one.")}</p>`}
    </section>
    ${invited.data?.items?.length > 0 && html`<section aria-labelledby="invited-title">
      <h2 id="invited-title">${t("Invited, waiting for their answer")}</h2>
      <ul class="plain">${invited.data.items.map((invitation) => html`<${Invited} key=${invitation.id} invitation=${invitation} onChange=${invited.reload} />`)}</ul>
    </section>`}
    <${Export} cohort=${cohort.data} />
    ${isAdmin && html`<${Trainers} cohort=${cohort.data} onSaved=${cohort.reload} />`}
  <//>`;
}
