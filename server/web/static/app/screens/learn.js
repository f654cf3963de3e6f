// The tracks and their 3–5 minute lessons, with how far the person got; lessons are kept on the phone
// so that they open with no network.
import { html, useEffect } from "preact";
import { api } from "app/api.js";
import { saved, useData } from "app/data.js";
import { lessonKey, loadLesson } from "app/lessons.js";
import { currentLanguage, t, tn } from "app/i18n.js";
import { Icon, Notice, Screen, problem, useOnline, useOutbox } from "app/ui.js";

const STATUS = { not_started: "", in_progress: "in-progress", completed: "done" };

// The lessons of the tracks the person is on (and of the first track), fetched for offline use.
function usePrefetch(tracks, online) {
  useEffect(() => {
    if (!tracks || !online) return;
    const mine = tracks.filter((track, index) => index === 0 || track.lessons.some((l) => l.status !== "not_started"));
    const slugs = mine.flatMap((track) => track.lessons.map((lesson) => lesson.slug));
    (async () => {
      // Only what this phone does not have yet: a lesson opened online is refreshed when it opens.
      for (const slug of slugs) if ((await saved(lessonKey(slug))) === undefined) await loadLesson(slug).catch(() => null);
    })();
  }, [tracks, online]);
}

function Lesson({ lesson, grading }) {
  const minutes = t("{minutes} min", { minutes: lesson.minutes });
  const meta = grading ? `${minutes} · ${t("will be marked when online")}` : minutes;
  return html`<li class=${STATUS[lesson.status]}>
    <a href=${`/learn/${lesson.slug}`}>
      <span class="mark" aria-hidden="true">${lesson.status === "completed" ? html`<${Icon} name="check" />` : ""}</span>
      <span class="title">${lesson.title}</span>
      <span class="meta">${meta}</span>
    </a></li>`;
}

function Track({ track, grading }) {
  const done = track.lessons.filter((lesson) => lesson.status === "completed").length;
  const count = tn("{count} of {total} lesson done", "{count} of {total} lessons done", done, { total: track.lessons.length });
  return html`<section class="track">
    <h2>${track.title}</h2>
    <p>${track.description}</p>
    <p class="meta">${count}</p>
    <ol class="lessons">${track.lessons.map((lesson) => html`<${Lesson} key=${lesson.slug} lesson=${lesson} grading=${grading.has(lesson.slug)} />`)}</ol>
  </section>`;
}

export default function Learn() {
  const online = useOnline();
  const tracks = useData(`tracks:${currentLanguage()}`, () => api("GET", "/tracks"));
  const items = useOutbox();
  usePrefetch(tracks.data, online);
  const grading = new Set(items.filter((item) => item.kind === "attempt").map((item) => item.payload.lesson));
  return html`<${Screen} name="learn" title=${t("Learn")}>
    <p class="lead">${t("Short lessons of 3 to 5 minutes, then a little quiz.")}</p>
    ${tracks.error && !tracks.data && html`<${Notice} kind="error">${problem(tracks.error)}<//>`}
    ${(tracks.data || []).map((track) => html`<${Track} key=${track.slug} track=${track} grading=${grading} />`)}
  <//>`;
}
