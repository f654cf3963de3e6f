"""`flask setup` and `flask translate`."""

from pathlib import Path

import pytest

from sqlalchemy import func, select

from config import settings_for_tests
from server import create_app
from server.extensions import db
from server.models import Commune, Province, UnionBranch


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Province, Commune, UnionBranch)
    )


def test_setup_twice_on_a_fresh_database(tmp_path):
    app = create_app(settings_for_tests(f"sqlite:///{tmp_path / 'fresh.db'}"))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["setup"])
    second = runner.invoke(args=["setup"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "3425 rows written" in first.output
    assert "(0 rows written)" in second.output
    with app.app_context():
        assert _counts() == (34, 3321, 70)
        db.engine.dispose()


def test_setup_again_on_the_test_database_changes_nothing(app):
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "(0 rows written)" in result.output
    with app.app_context():
        assert _counts() == (34, 3321, 70)


def test_translate_compile_writes_catalogs(app):
    locales = Path(app.config["LOCALES_DIR"])
    result = app.test_cli_runner().invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    for language in ("vi", "en"):
        assert (locales / language / "LC_MESSAGES" / "messages.mo").is_file()


def _roles(app, phone):
    from sqlalchemy import select

    from server.models import User
    from server.permissions import manager_provinces, roles_of, union_ids

    with app.app_context():
        user = db.session.scalars(select(User).where(User.phone == phone)).one()
        return [r.value for r in roles_of(user)], union_ids(user), manager_provinces(user)


def test_create_trainer_with_union(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--phone", "0912 000 111", "--role", "trainer", "--union", "3"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-user", "--phone", "0912000111", "--role", "trainer", "--union", "3"])
    assert again.exit_code == 0
    assert _roles(app, "+84912000111") == (["trainer"], {3}, set())
    with app.app_context():
        from server.models import RoleGrant

        assert db.session.scalar(select(func.count()).select_from(RoleGrant)) == 1


def test_create_manager_for_provinces_and_national(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--phone", "0912000222", "--role", "manager",
                                 "--province", "08", "--province", "1"])
    assert result.exit_code == 0, result.output
    assert _roles(app, "+84912000222") == (["manager"], set(), {"01", "08"})
    runner.invoke(args=["create-user", "--phone", "0912000333", "--role", "manager", "--national"])
    assert _roles(app, "+84912000333")[2] is None


@pytest.mark.parametrize(
    "args",
    [
        ["--phone", "0912000444", "--role", "trainer"],
        ["--phone", "0912000444", "--role", "trainer", "--union", "999"],
        ["--phone", "0912000444", "--role", "manager"],
        ["--phone", "0912000444", "--role", "manager", "--province", "99"],
        ["--phone", "02438253555", "--role", "admin"],
        ["--phone", "0912000444", "--role", "seller"],
    ],
)
def test_create_user_refuses_bad_input(app, args):
    result = app.test_cli_runner().invoke(args=["create-user", *args])
    assert result.exit_code != 0
    with app.app_context():
        from server.models import User

        assert db.session.scalar(select(func.count()).select_from(User)) == 0
