"""Lessons, quizzes and progress: scoring on the server, answers that never leave it, offline-safe
event batches, completion rules, languages and who sees whose progress."""

import uuid
from datetime import timedelta

import pytest

from config import PROJECT_ROOT
from server.content import load_content
from tests.api.helpers import open_shop

CONTENT = load_content(PROJECT_ROOT / "training_content")
LESSONS = {lesson.slug: lesson for lesson in CONTENT.lessons}
SLUG = "never-share-otp"
OTHER_SLUG = "vietqr-bank-transfer"
ATTEMPTS = f"/api/v1/lessons/{SLUG}/attempts"
EVENTS = "/api/v1/progress/events"
SECRET_KEYS = {"correct", "answer", "answers"}


def quiz(slug=SLUG):
    return LESSONS[slug].texts["vi"].quiz


def cards(slug=SLUG):
    return len(LESSONS[slug].texts["vi"].cards)


def right_answers(slug=SLUG):
    return {question.id: sorted(question.correct) for question in quiz(slug).questions}


def wrong_answers(slug=SLUG):
    return {
        question.id: [next(choice.id for choice in question.choices if choice.id not in question.correct)]
        for question in quiz(slug).questions
    }


def answers_with(right, slug=SLUG):
    """The first `right` questions answered right, the others wrong."""
    good, bad = right_answers(slug), wrong_answers(slug)
    return {question.id: (good if number < right else bad)[question.id]
            for number, question in enumerate(quiz(slug).questions)}


def attempt(client, person, answers, slug=SLUG, attempt_id=None):
    return client.post(f"/api/v1/lessons/{slug}/attempts", headers=person.headers,
                       json={"id": attempt_id or str(uuid.uuid4()), "answers": answers})


def event(kind, at, slug=SLUG, card=None, **fields):
    body = {"id": str(uuid.uuid4()), "lesson": slug, "kind": kind, "at": at.isoformat(), **fields}
    if card is not None:
        body["card"] = card
    return body


def card_views(at, slug=SLUG, only=None):
    return [event("card_viewed", at + timedelta(seconds=30 * card), slug, card=card)
            for card in (range(cards(slug)) if only is None else only)]


def send(client, person, events):
    response = client.post(EVENTS, headers=person.headers, json={"events": events})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def lesson_progress(client, person, slug=SLUG):
    tracks = client.get("/api/v1/me/progress", headers=person.headers).get_json()["tracks"]
    return next(lesson for track in tracks for lesson in track["lessons"] if lesson["slug"] == slug)


def track_status(client, headers, slug=SLUG):
    tracks = client.get("/api/v1/tracks", headers=headers).get_json()
    return next(lesson["status"] for track in tracks for lesson in track["lessons"] if lesson["slug"] == slug)


def keys_in(document):
    """Every mapping key anywhere in a JSON document."""
    if isinstance(document, dict):
        return set(document) | {key for value in document.values() for key in keys_in(value)}
    if isinstance(document, list):
        return {key for item in document for key in keys_in(item)}
    return set()


@pytest.fixture
def learner(auth, clock):
    return auth.person()


# --- tracks and lessons ------------------------------------------------------------------

def test_tracks_list_every_lesson_as_not_started_for_anyone(client):
    response = client.get("/api/v1/tracks")

    assert response.status_code == 200
    tracks = response.get_json()
    assert [track["slug"] for track in tracks] == [track.slug for track in CONTENT.tracks]
    assert tracks[0]["title"] == CONTENT.tracks[0].title("vi")
    for track in tracks:
        assert track["description"] and 3 <= len(track["lessons"]) <= 6
        for lesson in track["lessons"]:
            assert lesson["status"] == "not_started"
            assert lesson["title"] and 3 <= lesson["minutes"] <= 5


def test_lesson_is_vietnamese_by_default_and_english_on_request(client, learner):
    vietnamese = client.get(f"/api/v1/lessons/{SLUG}").get_json()
    english = client.get(f"/api/v1/lessons/{SLUG}", headers={"Accept-Language": "en"}).get_json()

    text_vi, text_en = LESSONS[SLUG].texts["vi"], LESSONS[SLUG].texts["en"]
    assert vietnamese["title"] == text_vi.title and english["title"] == text_en.title
    assert vietnamese["title"] != english["title"]
    assert english["objective"] == text_en.objective
    assert [card["html"] for card in english["cards"]] == [card.html for card in text_en.cards]
    assert english["quiz"]["questions"][0]["text"] == text_en.quiz.questions[0].text
    assert vietnamese["slug"] == english["slug"] == SLUG
    assert vietnamese["track"] == "safe-payments"
    assert vietnamese["quiz"]["pass_mark"] == quiz().pass_mark
    english_tracks = client.get("/api/v1/tracks", headers={"Accept-Language": "en"}).get_json()
    assert english_tracks[0]["title"] == CONTENT.tracks[0].title("en")


def test_saved_language_wins_over_the_phone(client, learner):
    client.patch("/api/v1/me", headers=learner.headers, json={"locale": "en"})

    lesson = client.get(f"/api/v1/lessons/{SLUG}", headers={**learner.headers, "Accept-Language": "vi"})

    assert lesson.get_json()["title"] == LESSONS[SLUG].texts["en"].title


def test_lesson_cards_are_html_and_the_quiz_names_its_choices(client):
    lesson = client.get(f"/api/v1/lessons/{SLUG}").get_json()

    assert len(lesson["cards"]) == cards()
    assert all(card["html"].startswith("<h3>") and "<script" not in card["html"] for card in lesson["cards"])
    questions = lesson["quiz"]["questions"]
    assert [question["id"] for question in questions] == [question.id for question in quiz().questions]
    assert any(question["multiple"] for question in questions)
    assert all(set(choice) == {"id", "text"} for question in questions for choice in question["choices"])
    assert lesson["next_lesson"] == CONTENT.lessons[CONTENT.lessons.index(LESSONS[SLUG]) + 1].slug


@pytest.mark.parametrize("language", ["vi", "en"])
def test_answers_never_leave_the_server(client, language):
    for slug in LESSONS:
        lesson = client.get(f"/api/v1/lessons/{slug}", headers={"Accept-Language": language}).get_json()
        assert not keys_in(lesson) & SECRET_KEYS, slug


def _resolve(document, schema, seen=()):
    """Every property name reachable from an OpenAPI schema, following $refs."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return set() if name in seen else _resolve(document, document["components"]["schemas"][name],
                                                   (*seen, name))
    names = set(schema.get("properties", {}))
    children = [*schema.get("properties", {}).values(), *schema.get("allOf", []), *schema.get("anyOf", []),
                *schema.get("oneOf", [])]
    if "items" in schema:
        children.append(schema["items"])
    for child in children:
        names |= _resolve(document, child, seen)
    return names


def test_openapi_document_has_no_place_for_answers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    lesson = document["paths"]["/api/v1/lessons/{slug}"]["get"]["responses"]["200"]
    tracks = document["paths"]["/api/v1/tracks"]["get"]["responses"]["200"]

    for response in (lesson, tracks):
        assert not _resolve(document, response["content"]["application/json"]["schema"]) & SECRET_KEYS
    # Only an attempt's result says which of the learner's own answers were right.
    everywhere = {name for schema in document["components"]["schemas"].values()
                  for name in _resolve(document, schema)}
    assert "answer" not in everywhere


def test_unknown_lesson_is_404(client, learner):
    assert client.get("/api/v1/lessons/no-such-lesson").status_code == 404
    response = attempt(client, learner, {}, slug="no-such-lesson")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


# --- quizzes -----------------------------------------------------------------------------

def test_all_right_passes_with_full_score(client, learner):
    response = attempt(client, learner, right_answers())

    assert response.status_code == 201
    body = response.get_json()
    count = len(quiz().questions)
    assert body["score"] == body["question_count"] == count
    assert body["pass_mark"] == quiz().pass_mark
    assert body["passed"] is True
    assert body["results"] == [{"question_id": question.id, "correct": True} for question in quiz().questions]


def test_all_wrong_fails(client, learner):
    body = attempt(client, learner, wrong_answers()).get_json()

    assert body["score"] == 0 and body["passed"] is False
    assert not any(result["correct"] for result in body["results"])


def test_pass_mark_is_the_number_of_right_answers_needed(client, learner):
    mark = quiz().pass_mark
    just_enough = attempt(client, learner, answers_with(mark)).get_json()
    one_short = attempt(client, learner, answers_with(mark - 1)).get_json()

    assert (just_enough["score"], just_enough["passed"]) == (mark, True)
    assert (one_short["score"], one_short["passed"]) == (mark - 1, False)
    assert [result["correct"] for result in just_enough["results"]][:mark] == [True] * mark


def test_unanswered_questions_count_as_wrong(client, learner):
    first = quiz().questions[0]

    body = attempt(client, learner, {first.id: sorted(first.correct)}).get_json()

    assert body["score"] == 1
    assert [result["correct"] for result in body["results"]] == [True] + [False] * (len(quiz().questions) - 1)


def test_multiple_answer_question_needs_exactly_the_right_choices(client, learner):
    question = next(question for question in quiz().questions if question.multiple)
    right = sorted(question.correct)
    wrong = next(choice.id for choice in question.choices if choice.id not in question.correct)
    assert len(right) >= 2

    def correct(choices):
        results = attempt(client, learner, {question.id: choices}).get_json()["results"]
        return next(result["correct"] for result in results if result["question_id"] == question.id)

    assert correct(right) is True
    assert correct(list(reversed(right))) is True
    assert correct(right[:1]) is False
    assert correct([*right, wrong]) is False


def test_answers_to_unknown_questions_or_choices_are_422_naming_them(client, learner):
    single = next(question for question in quiz().questions if not question.multiple)
    answers = {"q99": ["a"], single.id: ["zz"]}

    response = attempt(client, learner, answers)

    assert response.status_code == 422
    errors = response.get_json()["errors"]["answers"]
    assert set(errors) == {"q99", single.id}
    assert "zz" in errors[single.id][0]


def test_two_choices_for_a_single_answer_question_is_422(client, learner):
    single = next(question for question in quiz().questions if not question.multiple)
    two = [choice.id for choice in single.choices][:2]

    response = attempt(client, learner, {single.id: two})

    assert response.status_code == 422
    assert single.id in response.get_json()["errors"]["answers"]


@pytest.mark.parametrize("body", [
    {"answers": {}},
    {"id": "not-a-uuid", "answers": {}},
    {"id": str(uuid.uuid4())},
    {"id": str(uuid.uuid4()), "answers": {"q1": "a"}},
])
def test_malformed_attempts_are_422(client, learner, body):
    response = client.post(ATTEMPTS, headers=learner.headers, json=body)
    assert response.status_code == 422


def test_attempts_are_idempotent_by_id(client, learner, auth):
    attempt_id = str(uuid.uuid4())
    first = attempt(client, learner, wrong_answers(), attempt_id=attempt_id)
    again = attempt(client, learner, wrong_answers(), attempt_id=attempt_id)
    changed = attempt(client, learner, right_answers(), attempt_id=attempt_id)
    someone_else = attempt(client, auth.person(), wrong_answers(), attempt_id=attempt_id)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert changed.status_code == 409
    assert someone_else.status_code == 409
    assert lesson_progress(client, learner)["best_score"] == 0


# --- progress events ---------------------------------------------------------------------

def test_events_are_stored_and_count_once_when_replayed(client, learner, clock):
    batch = [event("opened", clock.now()), *card_views(clock.now())]

    results = [send(client, learner, batch) for _ in range(3)]

    assert results[0] == {"accepted": len(batch), "duplicates": 0, "rejected": []}
    assert results[1] == results[2] == {"accepted": 0, "duplicates": len(batch), "rejected": []}
    assert lesson_progress(client, learner)["status"] == "in_progress"


def test_each_bad_event_is_rejected_and_the_good_ones_kept(client, learner, clock):
    now = clock.now()
    good = [event("opened", now), event("card_viewed", now, card=0), event("card_viewed", now, card=1)]
    bad = [
        {**event("opened", now), "id": "not-a-uuid"},
        event("opened", now, slug="no-such-lesson"),
        event("card_viewed", now, card=cards()),
        {**event("opened", now), "at": "yesterday"},
        {**event("opened", now), "at": "2026-02-30T10:00:00Z"},
        {**event("opened", now), "kind": "liked"},
        event("card_viewed", now),
        event("card_viewed", now, card=-1),
        "not an event",
    ]
    batch = [good[0], *bad[:4], good[1], *bad[4:], good[2]]

    result = send(client, learner, batch)

    assert result["accepted"] == 3 and result["duplicates"] == 0
    rejected = {reject["index"]: set(reject["errors"]) for reject in result["rejected"]}
    assert rejected == {1: {"id"}, 2: {"lesson"}, 3: {"card"}, 4: {"at"}, 6: {"at"}, 7: {"kind"},
                        8: {"card"}, 9: {"card"}, 10: {"_schema"}}
    assert all(isinstance(message, str) for reject in result["rejected"]
               for messages in reject["errors"].values() for message in messages)
    assert lesson_progress(client, learner)["status"] == "in_progress"


def test_an_event_id_reused_for_other_content_is_rejected(client, learner, auth, clock):
    first = event("card_viewed", clock.now(), card=0)
    send(client, learner, [first])

    changed = {**first, "card": 1}
    twice_in_one_batch = event("opened", clock.now())
    result = send(client, learner, [changed, twice_in_one_batch, {**twice_in_one_batch, "kind": "completed"}])
    stranger = send(client, auth.person(), [first])

    assert result["accepted"] == 1
    rejected = [(reject["index"], list(reject["errors"])) for reject in result["rejected"]]
    assert rejected == [(0, ["id"]), (2, ["id"])]
    assert stranger["accepted"] == 0 and stranger["rejected"][0]["errors"].keys() == {"id"}


def test_a_batch_of_500_is_fine_and_501_is_too_large(client, learner, clock):
    batch = [event("opened", clock.now()) for _ in range(501)]

    too_many = client.post(EVENTS, headers=learner.headers, json={"events": batch})
    assert too_many.status_code == 413
    assert too_many.get_json()["code"] == 413
    assert lesson_progress(client, learner)["status"] == "not_started"

    assert send(client, learner, batch[:500])["accepted"] == 500


@pytest.mark.parametrize("body", [{}, {"events": "many"}, {"events": {"id": 1}}])
def test_a_batch_that_is_not_a_list_is_422(client, learner, body):
    assert client.post(EVENTS, headers=learner.headers, json=body).status_code == 422


def test_an_empty_batch_is_fine(client, learner):
    assert send(client, learner, []) == {"accepted": 0, "duplicates": 0, "rejected": []}


# --- completion --------------------------------------------------------------------------

def test_cards_viewed_but_quiz_failed_is_in_progress(client, learner, clock):
    send(client, learner, card_views(clock.now()))
    attempt(client, learner, wrong_answers())

    progress = lesson_progress(client, learner)
    assert progress["status"] == "in_progress"
    assert progress["completed_at"] is None
    assert progress["best_score"] == 0


def test_quiz_passed_but_a_card_missing_is_in_progress(client, learner, clock):
    send(client, learner, card_views(clock.now(), only=range(cards() - 1)))
    attempt(client, learner, right_answers())

    assert lesson_progress(client, learner)["status"] == "in_progress"


def test_a_completed_event_alone_does_not_complete(client, learner, clock):
    send(client, learner, [event("opened", clock.now()), event("completed", clock.now())])

    assert lesson_progress(client, learner)["status"] == "in_progress"


def test_all_cards_and_a_passed_quiz_complete_the_lesson_in_either_order(client, learner, clock):
    send(client, learner, card_views(clock.now()))
    clock.advance(timedelta(minutes=5))
    attempt(client, learner, right_answers())

    progress = lesson_progress(client, learner)
    assert progress["status"] == "completed"
    assert progress["completed_at"] == clock.now().isoformat()
    assert progress["best_score"] == len(quiz().questions)

    attempt(client, learner, right_answers(OTHER_SLUG), slug=OTHER_SLUG)
    clock.advance(timedelta(minutes=5))
    send(client, learner, card_views(clock.now() - timedelta(minutes=1), slug=OTHER_SLUG))
    assert lesson_progress(client, learner, OTHER_SLUG)["status"] == "completed"


def test_a_later_failed_attempt_does_not_undo_completion(client, learner, clock):
    send(client, learner, card_views(clock.now()))
    attempt(client, learner, right_answers())
    completed_at = lesson_progress(client, learner)["completed_at"]
    clock.advance(timedelta(days=1))

    attempt(client, learner, wrong_answers())

    progress = lesson_progress(client, learner)
    assert progress["status"] == "completed" and progress["completed_at"] == completed_at
    assert progress["best_score"] == len(quiz().questions)


def test_completing_a_lesson_ticks_first_lesson_in_onboarding(client, learner, clock):
    seller_id = open_shop(client, learner)

    def first_lesson():
        steps = client.get(f"/api/v1/sellers/{seller_id}/onboarding", headers=learner.headers).get_json()["steps"]
        return next(step for step in steps if step["key"] == "first_lesson")

    send(client, learner, card_views(clock.now()))
    assert first_lesson()["done"] is False

    clock.advance(timedelta(minutes=3))
    attempt(client, learner, right_answers())

    step = first_lesson()
    assert step["done"] is True
    assert step["done_at"] == clock.now().isoformat()


def test_tracks_show_the_callers_own_status(client, learner, auth, clock):
    other = auth.person()
    send(client, learner, [event("opened", clock.now(), slug=OTHER_SLUG), *card_views(clock.now())])
    attempt(client, learner, right_answers())

    assert track_status(client, learner.headers) == "completed"
    assert track_status(client, learner.headers, OTHER_SLUG) == "in_progress"
    assert track_status(client, other.headers) == "not_started"
    assert track_status(client, {}) == "not_started"


def test_one_learners_progress_never_shows_in_anothers(client, learner, auth, clock):
    other = auth.person()
    send(client, learner, card_views(clock.now()))
    attempt(client, learner, right_answers())

    theirs = client.get("/api/v1/me/progress", headers=other.headers).get_json()

    for track in theirs["tracks"]:
        for lesson in track["lessons"]:
            assert lesson["status"] == "not_started"
            assert lesson["best_score"] is None and lesson["completed_at"] is None


def test_my_progress_lists_every_lesson_by_track(client, learner):
    body = client.get("/api/v1/me/progress", headers=learner.headers).get_json()

    assert [track["slug"] for track in body["tracks"]] == [track.slug for track in CONTENT.tracks]
    assert [lesson["slug"] for lesson in body["tracks"][0]["lessons"]] == [
        lesson.slug for lesson in CONTENT.tracks[0].lessons]


# --- phone clocks ------------------------------------------------------------------------

def test_events_from_a_wrong_clock_are_kept_and_ordered_by_arrival(client, learner, clock):
    attempt(client, learner, right_answers())
    clock.advance(timedelta(hours=1))
    arrival = clock.now()
    future = arrival + timedelta(days=400)
    past = arrival - timedelta(days=3000)
    batch = [*card_views(future, only=[0, 1]), *card_views(past, only=range(2, cards()))]

    result = send(client, learner, batch)

    assert result["accepted"] == len(batch)
    progress = lesson_progress(client, learner)
    assert progress["status"] == "completed"
    # Neither the future nor the time before the account existed: the moment the events arrived.
    assert progress["completed_at"] == arrival.isoformat()


def test_events_of_an_offline_day_keep_their_phone_time(client, learner, clock):
    attempt(client, learner, right_answers())
    viewed = clock.now() + timedelta(hours=2)
    clock.advance(timedelta(days=1))

    send(client, learner, card_views(viewed))

    last_card = viewed + timedelta(seconds=30 * (cards() - 1))
    assert lesson_progress(client, learner)["completed_at"] == last_card.isoformat()


# --- access ------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, body", [
    ("POST", ATTEMPTS, {"id": str(uuid.uuid4()), "answers": {}}),
    ("POST", EVENTS, {"events": []}),
    ("GET", "/api/v1/me/progress", None),
])
def test_signing_in_is_needed_to_learn(client, method, path, body):
    response = client.open(path, method=method, json=body)
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_lessons_and_tracks_are_open_to_everyone(client):
    assert client.get("/api/v1/tracks").status_code == 200
    assert client.get(f"/api/v1/lessons/{SLUG}").status_code == 200
