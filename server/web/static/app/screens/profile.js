// Me: name, gender, language, consent, my data, my account; the people of this phone; the outbox.
import { html, useEffect, useState } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { N_, currentLanguage, loadLanguage, t, tn } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import * as session from "app/session.js";
import { Field, Notice, Screen, fieldErrors, nameOf, problem, useOnline, useOutbox } from "app/ui.js";

const GENDERS = { female: N_("Woman"), male: N_("Man"), other: N_("Other") };

function About({ person }) {
  const online = useOnline();
  const user = person.user || {};
  const [name, setName] = useState(user.full_name || "");
  const [gender, setGender] = useState(user.gender || "");
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const save = async (event) => {
    event.preventDefault();
    setErrors({});
    try {
      const me = await api("PATCH", "/me", { body: { full_name: name, gender: gender || null } });
      await session.update(person, { user: me });
      setMessage(t("Saved."));
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage(problem(error));
    }
  };
  const language = async (event) => {
    const chosen = event.target.value;
    await loadLanguage(chosen, { remember: true });
    const me = await api("PATCH", "/me", { body: { locale: chosen } }).catch(() => null);
    await session.update(person, { user: me || { ...user, locale: chosen } });
  };
  return html`<form onSubmit=${save} novalidate aria-labelledby="about-title">
    <h2 id="about-title">${t("About me")}</h2>
    <${Field} label=${t("Full name")} error=${errors.full_name}>
      <input name="full_name" value=${name} onInput=${(e) => setName(e.target.value)} autocomplete="name" maxlength="100" /><//>
    <${Field} label=${t("Gender")} hint=${t("Only counted, never shown: it helps the programme reach women as well as men.")} error=${errors.gender}>
      <select name="gender" value=${gender} onChange=${(e) => setGender(e.target.value)}>
        <option value="">${t("Rather not say")}</option>
        ${Object.entries(GENDERS).map(([value, label]) => html`<option value=${value}>${t(label)}</option>`)}
      </select><//>
    ${message && html`<${Notice} kind=${Object.keys(errors).length ? "error" : "ok"}>${message}<//>`}
    <button type="submit" class="primary" disabled=${!online}>${t("Save")}</button>
    <${Field} label=${t("Language")}>
      <select name="locale" value=${currentLanguage()} onChange=${language}>
        <option value="vi" lang="vi">Tiếng Việt</option>
        <option value="en" lang="en">English</option>
      </select><//>
  </form>`;
}

function Consent({ me }) {
  const online = useOnline();
  const text = useData(`consent:${currentLanguage()}`, () => api("GET", "/consent", { person: null }));
  const [purposes, setPurposes] = useState([]);
  const [message, setMessage] = useState(null);
  const given = me?.consent;
  const toggle = (code, on) => setPurposes(on ? [...purposes, code] : purposes.filter((p) => p !== code));
  const agree = async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/me/consent", { body: { version: text.data.version, purposes } });
      setMessage(t("Thank you. Your choice is recorded."));
    } catch (error) {
      setMessage(problem(error));
    }
  };
  if (!text.data) return null;
  const current = given?.version === text.data.version;
  const status = given ? t("You agreed to version {version}.", { version: given.version }) : t("You have not agreed yet.");
  const paragraphs = text.data.paragraphs.map((paragraph) => html`<p>${paragraph}</p>`);
  return html`<form id="consent" onSubmit=${agree} aria-labelledby="consent-title">
    <h2 id="consent-title">${text.data.title}</h2>
    <p class="meta">${status}</p>
    ${current ? html`<details><summary>${t("Read the text again")}</summary>${paragraphs}</details>` : paragraphs}
    <fieldset class="field"><legend class="label">${t("What I agree to")}</legend>
      ${text.data.purposes.map((purpose) => html`<label class="choice">
        <input type="checkbox" name="purposes" value=${purpose.code} checked=${purposes.includes(purpose.code)}
          onChange=${(e) => toggle(purpose.code, e.target.checked)} />
        <span><strong>${purpose.title}</strong><br />${purpose.description}</span></label>`)}
    </fieldset>
    ${message && html`<${Notice}>${message}<//>`}
    <button type="submit" class="primary" disabled=${!online || !purposes.includes("account")}>${t("I agree")}</button>
  </form>`;
}

function MyData({ person }) {
  const online = useOnline();
  const [message, setMessage] = useState(null);
  const download = async () => {
    try {
      const data = await api("GET", "/me/export");
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      const link = Object.assign(document.createElement("a"), { href: url, download: "choque-du-lieu-cua-toi.json" });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      setMessage(problem(error));
    }
  };
  const erase = async () => {
    if (!confirm(t("Delete your account? Your shop, products and data will be erased. This cannot be undone."))) return;
    try {
      await api("DELETE", "/me");
      await session.forget(person);
    } catch (error) {
      setMessage(problem(error));
    }
  };
  return html`<section aria-labelledby="data-title">
    <h2 id="data-title">${t("My data")}</h2>
    ${message && html`<${Notice} kind="error">${message}<//>`}
    <button type="button" onClick=${download} disabled=${!online}>${t("Download my data")}</button>
    <button type="button" class="danger" onClick=${erase} disabled=${!online}>${t("Delete my account")}</button>
  </section>`;
}

function People({ person }) {
  const [people, setPeople] = useState([]);
  useEffect(() => { session.everyone().then(setPeople); }, [person.id]);
  const signOut = async () => {
    // Asked of the store itself, not of this screen's copy, which is empty until IndexedDB answers.
    const waiting = (await outbox.items(person.id)).length;
    if (waiting) {
      const warning = tn("{count} change is not sent yet. If you sign out now, it is lost.",
        "{count} changes are not sent yet. If you sign out now, they are lost.", waiting);
      if (!confirm(`${warning}\n\n${t("Sign out anyway?")}`)) return;
    }
    await api("POST", "/auth/logout").catch(() => null);
    await session.forget(person);
  };
  const others = people.filter((p) => p.id !== person.id);
  return html`<section id="people" aria-labelledby="people-title">
    <h2 id="people-title">${t("People on this phone")}</h2>
    <ul class="plain">${others.map((other) => html`<li><button type="button" class="row-button" onClick=${() => session.switchTo(other.id)}>
      ${t("Switch to")} ${nameOf(other)}</button></li>`)}</ul>
    <button type="button" onClick=${session.stepAside}>${t("Someone else signs in")}</button>
    <button type="button" class="danger" onClick=${signOut}>${t("Sign out")}</button>
  </section>`;
}

function OutboxItem({ item }) {
  const kind = t(KIND_NAMES[item.kind] || KIND_NAMES.other);
  return html`<li class=${`row ${item.state}`}>
    <span><strong>${kind}</strong>${item.label ? ` · ${item.label}` : ""}
      ${item.state === "refused" && html`<br /><span class="error">${item.error?.message}</span>`}</span>
    ${item.state === "refused" && html`<span class="actions">
      <button type="button" class="small" onClick=${() => outbox.retry(item)}>${t("Try again")}</button>
      <button type="button" class="small" onClick=${() => outbox.discard(item)}>${t("Discard")}</button></span>`}
  </li>`;
}

const KIND_NAMES = {
  progress: N_("Lesson progress"), attempt: N_("Quiz answers"), sale: N_("Sale"), product: N_("New product"),
  product_edit: N_("Product change"), product_publish: N_("Putting on sale"), photo: N_("Photo"),
  photo_order: N_("Photo order"), enrolment: N_("Enrolment"), attendance: N_("Attendance"), other: N_("Change"),
};

function Outbox() {
  const items = useOutbox();
  return html`<section id="outbox" aria-labelledby="outbox-title">
    <h2 id="outbox-title">${t("Waiting to be sent")}</h2>
    ${items.length ? html`<ul class="plain">${items.map((item) => html`<${OutboxItem} key=${item.seq} item=${item} />`)}</ul>`
      : html`<p class="empty">${t("Nothing: everything made on this phone has reached the server.")}</p>`}
  </section>`;
}

export default function Profile({ person }) {
  const me = useData("me", () => api("GET", "/me"));
  return html`<${Screen} name="profile" title=${t("Me")}>
    <${About} key=${person.id} person=${person} />
    <${Consent} me=${me.data} />
    <${Outbox} />
    <${People} person=${person} />
    <${MyData} person=${person} />
  <//>`;
}
