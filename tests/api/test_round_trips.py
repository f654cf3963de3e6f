"""Round trips to the database per request: the hot paths touch it a fixed number of times, however
many rows they answer (SPEC §8's throughput depends on it; benchmarks time it, these tests count it)."""

import uuid
from contextlib import contextmanager

from sqlalchemy import event

from server.extensions import db
from tests.api.helpers import open_shop

LESSON = "what-is-selling-online"


@contextmanager
def statements(app):
    """The SQL statements the app sends while the block runs (an executemany counts once)."""
    with app.app_context():
        engine = db.engine
    sent = []

    def count(_connection, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def sign_in_reads(sent):
    return [statement for statement in sent
            if any(table in statement for table in ("auth_sessions", "FROM users", "role_grants"))]


def test_a_signed_in_request_checks_its_session_user_and_roles_in_one_query(app, client, auth):
    trainer = auth.person("trainer")
    client.get("/api/v1/cohorts", headers=trainer.headers)
    with statements(app) as sent:
        response = client.get("/api/v1/cohorts", headers=trainer.headers)
    assert response.status_code == 200
    assert len(sign_in_reads(sent)) == 1, sent


def test_a_signed_out_token_is_still_refused(app, client, auth):
    trainer = auth.person("trainer")
    assert client.post("/api/v1/auth/logout", headers=trainer.headers).status_code == 204
    assert client.get("/api/v1/cohorts", headers=trainer.headers).status_code == 401


def test_commune_search_reads_the_communes_once_per_process(app, client):
    with statements(app) as sent:
        answer = client.get("/api/v1/communes?q=xuan&page_size=100").get_json()
    provinces = {commune["province_name"] for commune in answer["items"]}
    assert len(provinces) > 5, "the search spans many provinces"
    assert len(sent) == 2, sent  # the communes with their provinces' names, and the province codes
    with statements(app) as sent:
        assert client.get("/api/v1/communes?q=hoan kiem&province=01").get_json()["total"] == 1
    assert sent == []


def test_a_progress_batch_is_one_insert_whatever_fields_its_events_leave_out(app, client, auth):
    person = auth.person()
    open_shop(client, person)
    events = [{"id": str(uuid.uuid4()), "lesson": LESSON, "kind": "card_viewed", "card": i % 3,
               "at": "2026-11-01T03:00:00Z", **({"seconds": 30} if i % 2 else {})} for i in range(40)]
    events.append({"id": str(uuid.uuid4()), "lesson": LESSON, "kind": "opened", "at": "2026-11-01T02:59:00Z"})
    with statements(app) as sent:
        answer = client.post("/api/v1/progress/events", headers=person.headers, json={"events": events}).get_json()
    assert answer["accepted"] == 41
    inserts = [statement for statement in sent if statement.startswith("INSERT INTO progress_events")]
    assert len(inserts) == 1, f"{len(inserts)} INSERTs"
