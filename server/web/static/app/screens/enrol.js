// Assisted enrolment in a commune hall: the trainer types the household's phone, name, kind and
// commune, reads the consent text aloud in the household's language, ticks the purposes the household
// agrees to one by one (none ticked beforehand), and sends; with no network it waits in the outbox.
import { html, useEffect, useState } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { t } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import * as session from "app/session.js";
import * as store from "app/store.js";
import { Field, Notice, OfflineNotice, Screen, localPhone, problem, useOnline, useOutbox } from "app/ui.js";

const HOUSEHOLD_LANGUAGES = [["vi", "Tiếng Việt"], ["en", "English"]];

// The consent text in the household's language, kept on the phone for the halls with no signal.
function useConsent(language) {
  return useData(`consent-text:${language}`, () => api("GET", "/consent", { person: null, language }));
}

function Sent({ item }) {
  const [answer, setAnswer] = useState(null);
  const items = useOutbox();
  const waiting = items.find((queued) => queued.id === item.id);
  useEffect(() => {
    if (!waiting) store.cached(session.me().id, `enrolment:${item.id}`).then((copy) => setAnswer(copy?.value || null));
  }, [Boolean(waiting)]);
  const who = `${item.payload.enrolment.full_name} · ${localPhone(item.payload.enrolment.phone)}`;
  let status = t("Waiting to be sent");
  if (waiting?.state === "refused") status = waiting.error?.message;
  else if (answer?.status === "active") status = answer.sms_sent ? t("Enrolled. The invitation SMS was sent.") : t("Enrolled. The SMS could not be sent now.");
  else if (answer?.status === "pending") status = t("This phone already has an account: an invitation was sent, the household accepts it in the app.");
  return html`<li class="row"><span><strong>${who}</strong><br />${status}</span></li>`;
}

export default function Enrol({ params }) {
  const id = Number(params.id);
  const online = useOnline();
  const cohort = useData(`cohort:${id}`, () => api("GET", `/cohorts/${id}`));
  const [language, setLanguage] = useState("vi");
  const consent = useConsent(language);
  const communes = cohort.data?.communes || [];
  const [phone, setPhone] = useState("");
  const [fullName, setFullName] = useState("");
  const [kind, setKind] = useState("household");
  const [commune, setCommune] = useState("");
  const [purposes, setPurposes] = useState([]);
  const [sent, setSent] = useState([]);
  const [message, setMessage] = useState(null);
  useEffect(() => { if (!commune && communes[0]) setCommune(communes[0].code); }, [communes.length]);
  const tick = (code, on) => setPurposes(on ? [...purposes, code] : purposes.filter((p) => p !== code));
  const send = async (event) => {
    event.preventDefault();
    const enrolment = { phone, full_name: fullName, seller_kind: kind, commune_code: commune,
      consent: { version: consent.data.version, purposes } };
    const item = await outbox.add("enrolment", { cohort: id, enrolment }, { label: fullName });
    setSent([item, ...sent]);
    setMessage(online ? null : t("Saved on this phone; it will be sent when you have signal."));
    setPhone("");
    setFullName("");
    setPurposes([]);
  };
  const ready = phone.trim() && fullName.trim() && commune && consent.data && purposes.includes("account");
  return html`<${Screen} name="enrol" title=${t("Enrol a household")} back=${`/cohorts/${id}`}>
    ${cohort.data && html`<p class="meta">${cohort.data.name}</p>`}
    ${!online && html`<${OfflineNotice} />`}
    ${cohort.error && !cohort.data && html`<${Notice} kind="error">${problem(cohort.error)}<//>`}
    <form onSubmit=${send} novalidate>
      <${Field} label=${t("The household's phone number")}>
        <input type="tel" name="phone" autocomplete="off" value=${phone} onInput=${(e) => setPhone(e.target.value)} required /><//>
      <${Field} label=${t("Full name")}>
        <input name="full_name" autocomplete="off" value=${fullName} onInput=${(e) => setFullName(e.target.value)} required maxlength="100" /><//>
      <fieldset class="field"><legend class="label">${t("Who sells?")}</legend>
        <label class="choice"><input type="radio" name="seller_kind" value="household" checked=${kind === "household"}
          onChange=${() => setKind("household")} />${t("A household")}</label>
        <label class="choice"><input type="radio" name="seller_kind" value="cooperative" checked=${kind === "cooperative"}
          onChange=${() => setKind("cooperative")} />${t("A cooperative")}</label>
      </fieldset>
      <${Field} label=${t("Commune or ward")}>
        <select name="commune_code" value=${commune} onChange=${(e) => setCommune(e.target.value)}>
          ${communes.map((c) => html`<option value=${c.code}>${c.name}</option>`)}</select><//>
      <section class="consent-aloud" aria-labelledby="consent-title">
        <div class="languages" role="group" aria-label=${t("Language of the household")}>
          ${HOUSEHOLD_LANGUAGES.map(([code, label]) => html`<button type="button" class="chip" lang=${code}
            aria-pressed=${language === code} onClick=${() => setLanguage(code)}>${label}</button>`)}
        </div>
        ${consent.data ? html`<div lang=${language}>
            <h2 id="consent-title">${consent.data.title}</h2>
            <p class="hint">${t("Read this aloud to the household, then tick only what they agree to.")}</p>
            ${consent.data.paragraphs.map((paragraph) => html`<p class="aloud">${paragraph}</p>`)}
            <fieldset class="field"><legend class="label">${t("The household agrees to")}</legend>
              ${consent.data.purposes.map((purpose) => html`<label class="choice aloud">
                <input type="checkbox" name="purposes" value=${purpose.code} checked=${purposes.includes(purpose.code)}
                  onChange=${(e) => tick(purpose.code, e.target.checked)} />
                <span><strong>${purpose.title}</strong><br />${purpose.description}</span></label>`)}
            </fieldset></div>`
          : html`<${Notice} kind="warn">${t("The consent text is not on this phone yet: open this screen once with signal.")}<//>`}
      </section>
      ${message && html`<${Notice}>${message}<//>`}
      <button type="submit" class="primary big" disabled=${!ready}>${t("Enrol and send the SMS")}</button>
    </form>
    ${sent.length > 0 && html`<section aria-labelledby="sent-title"><h2 id="sent-title">${t("Enrolled just now")}</h2>
      <ul class="plain">${sent.map((item) => html`<${Sent} key=${item.id} item=${item} />`)}</ul></section>`}
  <//>`;
}
