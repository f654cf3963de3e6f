"""The access matrix's reads and refusals, against one world for the whole module.

A request that is refused, or only reads, must change nothing: the world is built once, every such
case of test_access_matrix runs against it, and at the end every row is what it was before. The
writes that succeed run in test_access_matrix.py, each against a world of its own.
"""

import pytest
from sqlalchemy import select

from server import create_app
from server.extensions import db
from tests.api.test_access_matrix import (
    build_world,
    open_own_route,
    open_seller_route,
    own_cases,
    seller_cases,
)
from tests.conftest import REFERENCE_TABLES, Auth, empty_tables, let_go, settings_in

pytestmark = pytest.mark.shared_world

@pytest.fixture(scope="module")
def shared(database_url, cleaning_engine, tmp_path_factory):
    folder = tmp_path_factory.mktemp("shared-world")
    app = create_app(settings_in(database_url, folder))
    client = app.test_client()
    people, ids = build_world(client, Auth(app), app)
    before = _rows(app)
    yield client, people, ids
    after = _rows(app)
    let_go(app)
    empty_tables(cleaning_engine)
    changed = {table for table in before if before[table] != after[table]}
    assert changed == set(), f"reads and refused requests changed rows of {sorted(changed)}"


def _rows(app):
    """Every row of every table but the reference data."""
    with app.app_context():
        rows = {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
                for table in db.metadata.sorted_tables if table.name not in REFERENCE_TABLES}
        db.session.rollback()
        return rows


@pytest.mark.parametrize("role, method, path, body, expected", seller_cases(changing=False))
def test_seller_routes(shared, role, method, path, body, expected):
    client, people, ids = shared
    response = open_seller_route(client, people, ids, role, method, path, body)
    assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize("role, method, path, body, expected", own_cases(changing=False))
def test_own_routes(shared, role, method, path, body, expected):
    client, people, _ids = shared
    response = open_own_route(client, people, role, method, path, body)
    assert response.status_code == expected


def test_unknown_seller_and_hidden_seller_look_the_same(shared):
    client, people, ids = shared
    hidden = client.get(f"/api/v1/sellers/{ids['seller']}", headers=people["other_seller"].headers)
    missing = client.get("/api/v1/sellers/99999999", headers=people["other_seller"].headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
