// Attendance of an in-person session: the day, the topic, the lessons taught, a tick for each household
// that came. Works in a hall with no signal: the session waits in the outbox with its own id.
import { html, useState } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { day, t, tn, vietnamToday } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import { Field, Notice, OfflineNotice, Screen, localPhone, problem, useOnline, useOutbox } from "app/ui.js";

function Past({ session, waiting }) {
  const came = tn("{count} came", "{count} came", session.attendee_ids.length);
  return html`<li class="row"><span><strong>${day(session.held_on)}</strong> · ${session.topic}<br />
    <span class="meta">${came}</span></span>${waiting && html`<span class="badge waiting">${t("Waiting to be sent")}</span>`}</li>`;
}

export default function Attendance({ params }) {
  const id = Number(params.id);
  const online = useOnline();
  const cohort = useData(`cohort:${id}`, () => api("GET", `/cohorts/${id}`));
  const tracks = useData("tracks:choice", () => api("GET", "/tracks"));
  const sessions = useData(`sessions:${id}`, () => api("GET", `/cohorts/${id}/sessions?page_size=20`));
  const items = useOutbox();
  const [heldOn, setHeldOn] = useState(vietnamToday());
  const [topic, setTopic] = useState("");
  const [lessons, setLessons] = useState([]);
  const [came, setCame] = useState([]);
  const [message, setMessage] = useState(null);
  const members = cohort.data?.members || [];
  const taught = (tracks.data || []).filter((track) => cohort.data?.track_slugs.includes(track.slug));
  const toggle = (list, set, value, on) => set(on ? [...list, value] : list.filter((v) => v !== value));
  const save = async (event) => {
    event.preventDefault();
    await outbox.add("attendance", { cohort: id, session: { held_on: heldOn, topic, lesson_slugs: lessons, attendee_ids: came } },
      { label: topic });
    setMessage(online ? t("Attendance recorded.") : t("Saved on this phone; it will be sent when you have signal."));
    setTopic("");
    setLessons([]);
    setCame([]);
  };
  const waiting = items.filter((item) => item.kind === "attendance" && item.payload.cohort === id);
  const count = tn("{count} household ticked", "{count} households ticked", came.length);
  return html`<${Screen} name="attendance" title=${t("Attendance")} back=${`/cohorts/${id}`}>
    ${!online && html`<${OfflineNotice} />`}
    ${cohort.error && !cohort.data && html`<${Notice} kind="error">${problem(cohort.error)}<//>`}
    <form onSubmit=${save} novalidate>
      <${Field} label=${t("Day of the session")}>
        <input type="date" name="held_on" value=${heldOn} max=${vietnamToday()} onInput=${(e) => setHeldOn(e.target.value)} /><//>
      <${Field} label=${t("Topic")} hint=${t("For example: Chụp ảnh sản phẩm bằng điện thoại")}>
        <input name="topic" value=${topic} onInput=${(e) => setTopic(e.target.value)} required maxlength="200" /><//>
      ${taught.length > 0 && html`<fieldset class="field"><legend class="label">${t("Lessons taught")}</legend>
        ${taught.flatMap((track) => track.lessons).map((lesson) => html`<label class="choice">
          <input type="checkbox" name="lesson_slugs" value=${lesson.slug} checked=${lessons.includes(lesson.slug)}
            onChange=${(e) => toggle(lessons, setLessons, lesson.slug, e.target.checked)} /><span>${lesson.title}</span></label>`)}
      </fieldset>`}
      <fieldset class="field"><legend class="label">${t("Who came")}</legend>
        ${members.map((member) => html`<label class="choice tick">
          <input type="checkbox" name="attendee_ids" value=${member.user_id} checked=${came.includes(member.user_id)}
            onChange=${(e) => toggle(came, setCame, member.user_id, e.target.checked)} />
          <span>${member.full_name || localPhone(member.phone)}</span></label>`)}
        ${!members.length && html`<p class="empty">${t("No household in the cohort yet.")}</p>`}
      </fieldset>
      <p class="meta">${count}</p>
      ${message && html`<${Notice} kind="ok">${message}<//>`}
      <button type="submit" class="primary big" disabled=${topic.trim().length < 2}>${t("Save the attendance")}</button>
    </form>
    <section aria-labelledby="past-title">
      <h2 id="past-title">${t("Sessions")}</h2>
      <ul class="plain">
        ${waiting.map((item) => html`<${Past} key=${item.id} session=${item.payload.session} waiting=${true} />`)}
        ${(sessions.data?.items || []).filter((s) => !waiting.some((item) => item.id === s.id)).map((s) => html`<${Past} key=${s.id} session=${s} />`)}
      </ul>
    </section>
  <//>`;
}
