// A lesson: its cards one at a time, then its quiz. Offline, the cards still open (kept on the phone)
// and the answers wait in the outbox: the server marks them when they arrive.
import { html, useEffect, useRef, useState } from "preact";
import { saved } from "app/data.js";
import { t } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import { lessonKey, loadLesson } from "app/lessons.js";
import * as store from "app/store.js";
import * as session from "app/session.js";
import { Icon, Notice, Screen, problem, useOnline, useOutbox } from "app/ui.js";

function useLesson(slug) {
  const [state, setState] = useState({ lesson: null, error: null });
  useEffect(() => {
    saved(lessonKey(slug)).then((copy) => copy && setState((before) => before.lesson ? before : { lesson: copy, error: null }));
    loadLesson(slug).then((answer) => setState({ lesson: answer.value, error: null }))
      .catch((error) => setState((before) => ({ ...before, error })));
  }, [slug]);
  return state;
}

// Progress events go to the outbox; the server works out from them (and the quiz) when a lesson is done.
function record(slug, kind, fields) {
  return outbox.add("progress", { lesson: slug, kind, at: new Date().toISOString(), ...fields });
}

function Cards({ lesson, onDone }) {
  const [index, setIndex] = useState(0);
  const shownAt = useRef(Date.now());
  const viewed = useRef(new Set());
  useEffect(() => {
    if (viewed.current.has(index)) return;
    viewed.current.add(index);
    record(lesson.slug, "card_viewed", { card: index });
  }, [index]);
  const go = (next) => {
    shownAt.current = Date.now();
    setIndex(next);
    window.scrollTo(0, 0);
  };
  const last = index === lesson.cards.length - 1;
  const position = t("Card {number} of {total}", { number: index + 1, total: lesson.cards.length });
  const card = { __html: lesson.cards[index].html };
  return html`<section class="cards" aria-live="polite">
    <h2 class="meta">${position}</h2>
    <article class="card lesson-card" dangerouslySetInnerHTML=${card} />
    <div class="actions">
      ${index > 0 && html`<button type="button" onClick=${() => go(index - 1)}><${Icon} name="back" />${t("Previous")}</button>`}
      ${last ? html`<button type="button" class="primary big" onClick=${onDone}>${t("Take the quiz")}</button>`
        : html`<button type="button" class="primary big" onClick=${() => go(index + 1)}>${t("Next")}</button>`}
    </div>
  </section>`;
}

function Question({ question, picked, onPick }) {
  const type = question.multiple ? "checkbox" : "radio";
  const hint = question.multiple ? t("Tick every right answer.") : t("Tick one answer.");
  return html`<fieldset class="question">
    <legend>${question.text}</legend>
    <p class="hint">${hint}</p>
    ${question.choices.map((choice) => html`<label class="choice">
      <input type=${type} name=${question.id} value=${choice.id} checked=${picked.includes(choice.id)}
        onChange=${(e) => onPick(question, choice.id, e.target.checked)} />
      <span>${choice.text}</span></label>`)}
  </fieldset>`;
}

// The server's marking of an attempt, once the outbox has delivered it.
function useResult(attemptId) {
  const items = useOutbox();
  const [result, setResult] = useState(null);
  const waiting = items.some((item) => item.id === attemptId);
  useEffect(() => {
    if (!attemptId || waiting) return;
    store.cached(session.me().id, `attempt:${attemptId}`).then((copy) => copy && setResult(copy.value));
  }, [attemptId, waiting, items.length]);
  return { result, waiting, refused: items.find((item) => item.id === attemptId && item.state === "refused") };
}

function Marked({ question, result }) {
  const right = result.results.find((r) => r.question_id === question.id)?.correct;
  return html`<li class=${right ? "right" : "wrong"}><span aria-hidden="true">${right ? "✓" : "✗"}</span>
    <span class="sr-only">${right ? t("Right:") : t("Wrong:")}</span> ${question.text}</li>`;
}

function Quiz({ lesson, onReview }) {
  const online = useOnline();
  const [answers, setAnswers] = useState({});
  const [attemptId, setAttemptId] = useState(null);
  const { result, waiting, refused } = useResult(attemptId);
  const pick = (question, choiceId, on) => {
    const before = answers[question.id] || [];
    const now = question.multiple ? (on ? [...before, choiceId] : before.filter((id) => id !== choiceId)) : [choiceId];
    setAnswers({ ...answers, [question.id]: now });
  };
  const submit = async (event) => {
    event.preventDefault();
    const item = await outbox.add("attempt", { lesson: lesson.slug, answers }, { label: lesson.title });
    setAttemptId(item.id);
  };
  const again = () => {
    setAnswers({});
    setAttemptId(null);
  };
  if (attemptId && result) {
    const score = t("{score} of {total} right", { score: result.score, total: result.question_count });
    return html`<section class="result" aria-live="polite">
      <h2>${result.passed ? t("Well done, you passed!") : t("Not yet passed")}</h2>
      <p class="big-number">${score}</p>
      <ol class="plain">${lesson.quiz.questions.map((question) => html`<${Marked} question=${question} result=${result} />`)}</ol>
      ${result.passed && lesson.action && html`<${Notice} kind="ok">${lesson.action.text}<//>`}
      ${result.passed ? html`<a class="button primary big" href=${lesson.next_lesson ? `/learn/${lesson.next_lesson}` : "/learn"}>
          ${lesson.next_lesson ? t("Next lesson") : t("Back to the lessons")}</a>`
        : html`<div class="actions"><button type="button" class="primary" onClick=${again}>${t("Try again")}</button>
          <button type="button" onClick=${onReview}>${t("Read the cards again")}</button></div>`}
    </section>`;
  }
  if (attemptId && refused) return html`<${Notice} kind="error">${refused.error?.message}<//>`;
  if (attemptId && waiting) {
    return html`<${Notice}>${online ? t("Marking your answers…") : t("Your answers are saved. They will be marked when you are online.")}<//>`;
  }
  const complete = lesson.quiz.questions.every((question) => answers[question.id]?.length);
  const passMark = t("You need {count} right answers to pass.", { count: lesson.quiz.pass_mark });
  return html`<form class="quiz" onSubmit=${submit}>
    <h2>${t("Quiz")}</h2>
    <p>${passMark}</p>
    ${lesson.quiz.questions.map((question) => html`<${Question} key=${question.id} question=${question}
      picked=${answers[question.id] || []} onPick=${pick} />`)}
    <button type="submit" class="primary big" disabled=${!complete}>${t("Send my answers")}</button>
  </form>`;
}

export default function Lesson({ params }) {
  const { lesson, error } = useLesson(params.slug);
  const [part, setPart] = useState("cards");
  const opened = useRef(false);
  useEffect(() => {
    if (lesson && !opened.current) {
      opened.current = true;
      record(lesson.slug, "opened", {});
    }
  }, [lesson]);
  if (!lesson) {
    return html`<${Screen} name="lesson" title=${t("Lesson")} back="/learn">
      ${error ? html`<${Notice} kind="error">${problem(error)}<//>` : html`<p>${t("Loading…")}</p>`}<//>`;
  }
  const minutes = t("{minutes} min", { minutes: lesson.minutes });
  const takeQuiz = () => setPart("quiz");
  const review = () => setPart("cards");
  return html`<${Screen} name="lesson" title=${lesson.title} back="/learn">
    <p class="meta">${minutes} · ${lesson.objective}</p>
    ${part === "cards" ? html`<${Cards} lesson=${lesson} onDone=${takeQuiz} />` : html`<${Quiz} lesson=${lesson} onReview=${review} />`}
  <//>`;
}
