"""A demo learner's lessons: progress events sent in batches from a phone that is sometimes
offline, quiz attempts scored by the real scorer, and the lesson_progress rows the app keeps.

server.services.learning decides progress as events and attempts arrive; `fold_progress` applies
the same rules in time order, which gives the same rows because phones here sync in order.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from server.demo.chance import geometric
from server.demo.timeline import DAY, days
from server.demo.writer import new_uuid
from server.idempotency import fingerprint
from server.services.learning import COMPLETED, IN_PROGRESS, all_cards_viewed, score_answers
from server.services.lessons import card_count, quiz_of

# Mean number of lessons a learner works on: cohort members are coached, others find lessons alone.
LESSONS_MEAN = {True: 2.5, False: 0.85}
ABANDON_SHARE = 0.18
STRUGGLE_SHARE = 0.12
PASS_CHANCE = {False: 0.75, True: 0.2}
MAX_ATTEMPTS = {False: 3, True: 5}
ONLINE_SHARE = 0.7


@dataclass
class Learning:
    """Rows of one learner: events, attempts and progress per lesson."""

    events: list = field(default_factory=list)  # progress_events tuples
    attempts: list = field(default_factory=list)  # quiz_attempts tuples
    progress: list = field(default_factory=list)  # lesson_progress tuples


@dataclass
class _Session:
    """Events of one sitting, sent to the server together."""

    items: list = field(default_factory=list)  # ("event", at, kind, card, seconds) | ("attempt", at, answers)
    online: bool = True


def lesson_order(rng, index, track_slugs):
    """The lessons a learner meets, in order: their cohort's tracks first, then the rest."""
    if track_slugs:
        chosen = [lesson for track in index.tracks if track.slug in track_slugs for lesson in track.lessons]
    elif rng.random() < 0.25:
        chosen = list(rng.choice(index.tracks).lessons)
    else:
        chosen = []
    seen = {lesson.slug for lesson in chosen}
    return chosen + [lesson for lesson in index.lessons.values() if lesson.slug not in seen]


def _answers(rng, quiz, right):
    """Answers getting exactly the questions in `right` correct."""
    answers = {}
    for question in quiz.questions:
        correct = sorted(question.correct)
        if question.id in right:
            answers[question.id] = correct
            continue
        wrong = [choice.id for choice in question.choices if choice.id not in question.correct]
        if question.multiple and len(correct) > 1 and rng.random() < 0.5:
            answers[question.id] = correct[:-1]
        elif wrong:
            answers[question.id] = [rng.choice(wrong)]
        else:
            answers[question.id] = []
    return answers


def _attempt_answers(rng, quiz, passing):
    ids = [question.id for question in quiz.questions]
    if passing:
        right = rng.randint(quiz.pass_mark, len(ids))
    else:
        right = rng.randint(0, quiz.pass_mark - 1)
    return _answers(rng, quiz, set(rng.sample(ids, right)))


def _study(rng, lesson, moment):
    """Sessions spent on one lesson from `moment`; returns (sessions, the moment it ended)."""
    cards = card_count(lesson)
    quiz = quiz_of(lesson)
    sessions = [_Session(online=rng.random() < ONLINE_SHARE)]
    items = sessions[0].items
    items.append(("event", moment, "opened", None, None))

    def view(card):
        nonlocal moment
        seconds = rng.randint(10, 90)
        moment += timedelta(seconds=seconds)
        items.append(("event", moment, "card_viewed", card, seconds))

    if rng.random() < ABANDON_SHARE:
        for card in range(rng.randint(1, cards - 1)):
            view(card)
        return sessions, moment
    for card in range(cards):
        view(card)
    if rng.random() < 0.15:
        view(rng.randrange(cards))
    struggling = rng.random() < STRUGGLE_SHARE
    for attempt in range(MAX_ATTEMPTS[struggling]):
        moment += timedelta(seconds=rng.randint(30, 120))
        passing = rng.random() < PASS_CHANCE[struggling]
        items.append(("attempt", moment, _attempt_answers(rng, quiz, passing)))
        if passing:
            if rng.random() < 0.85:
                moment += timedelta(seconds=rng.randint(1, 10))
                items.append(("event", moment, "completed", None, None))
            break
        if rng.random() < 0.2:
            break
        if rng.random() < 0.3:
            # Tries again another day: a new sitting, which opens the lesson again.
            moment += timedelta(hours=rng.randint(12, 72))
            sessions.append(_Session(online=rng.random() < ONLINE_SHARE))
            items = sessions[-1].items
            items.append(("event", moment, "opened", None, None))
        if rng.random() < 0.4:
            for card in rng.sample(range(cards), rng.randint(1, 2)):
                view(card)
    return sessions, moment


def build_learning(rng, index, user_id, begins, track_slugs, in_cohort, end):
    """Everything one learner did in the lessons, from `begins` (after the account exists) until `end`."""
    learning = Learning()
    if begins is None:
        return learning
    lessons = lesson_order(rng, index, track_slugs)[:geometric(rng, LESSONS_MEAN[in_cohort])]
    moment = begins
    last_received = begins
    for lesson in lessons:
        if moment >= end - DAY:
            break
        sessions, finished = _study(rng, lesson, moment)
        if finished >= end - timedelta(hours=1):
            break
        progress = _Progress(lesson.slug)
        for session in sessions:
            last_received = _send(rng, learning, progress, session, user_id, lesson, last_received, end)
        learning.progress.append(progress.row(user_id, card_count(lesson)))
        gap = rng.expovariate(1 / 4) if rng.random() < 0.85 else rng.uniform(20, 120)
        moment = finished + days(gap) + timedelta(hours=rng.randint(0, 12))
    return learning


def _send(rng, learning, progress, session, user_id, lesson, last_received, end):
    """Turn a sitting into stored rows: events arrive together (later if offline), attempts on send."""
    last_at = session.items[-1][1]
    lag = timedelta(seconds=rng.randint(1, 20)) if session.online else timedelta(minutes=rng.randint(30, 2880))
    # A phone sends its queue in order, so a sitting never arrives before the one before it.
    received_at = max(last_received, min(last_at + lag, end - timedelta(seconds=1)))
    quiz = quiz_of(lesson)
    for item in session.items:
        if item[0] == "attempt":
            _, at, answers = item
            created_at = at if session.online else received_at
            result = score_answers(quiz, answers)
            learning.attempts.append((
                new_uuid(rng), user_id, lesson.slug, answers, result.score, result.question_count,
                result.pass_mark, result.passed, result.results,
                fingerprint({"lesson": lesson.slug, "answers": answers}), created_at,
            ))
            progress.attempt(created_at, result.passed, result.score)
        else:
            _, at, kind, card, seconds = item
            content = {"lesson": lesson.slug, "kind": kind, "card": card, "at": at.isoformat(), "seconds": seconds}
            learning.events.append((new_uuid(rng), user_id, lesson.slug, kind, card, seconds, at, received_at,
                                    at, fingerprint(content)))
            progress.event(at, card if kind == "card_viewed" else None)
    return received_at


class _Progress:
    """A lesson_progress row folded from events and attempts in time order (as learning.py does)."""

    def __init__(self, slug):
        self.slug = slug
        self.items = []

    def event(self, at, card):
        self.items.append((at, "event", card))

    def attempt(self, at, passed, score):
        self.items.append((at, "attempt", (passed, score)))

    def row(self, user_id, cards):
        cards_viewed = attempts = failed = 0
        best = passed_at = completed_at = None
        started = last = None
        for at, kind, detail in sorted(self.items, key=lambda item: item[0]):
            started = at if started is None else min(started, at)
            last = at if last is None else max(last, at)
            if kind == "event":
                if detail is not None:
                    cards_viewed |= 1 << detail
            else:
                passed, score = detail
                attempts += 1
                if passed:
                    passed_at = passed_at or at
                else:
                    failed += 1
                best = max(best or 0, score)
            if completed_at is None and passed_at is not None and all_cards_viewed(cards_viewed, cards):
                completed_at = max(passed_at, at)
        status = COMPLETED if completed_at else IN_PROGRESS
        return (user_id, self.slug, status, cards_viewed, attempts, failed, best, started, last,
                passed_at, completed_at)
