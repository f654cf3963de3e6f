"""Command-line commands: setup, demo-data, create-user, content validate, translate extract|update|compile."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from server import i18n
from server.content import ContentError
from server.content_cli import content
from server.demo.command import demo_data_command
from server.errors import InvalidInput
from server.permissions import STAFF_ROLES
from server.services.accounts import create_staff_user
from server.services.lessons import load_index
from server.services.reference_data import load_reference_data

translate = AppGroup("translate", help="Extract, update and compile the vi/en catalogs.")


@click.command("setup")
@with_appcontext
def setup_command():
    """Apply migrations, compile translations, load reference data, check the lessons (safe to repeat)."""
    # The embedded defaults keep the database, media and SMS outbox in instance/.
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    click.echo("Applying database migrations…")
    upgrade()
    click.echo("Compiling translations…")
    i18n.compile_for_app()
    click.echo("Loading provinces, communes and union branches…")
    summary = load_reference_data()
    click.echo(
        f"Reference data: {summary.provinces} provinces, {summary.communes} communes, "
        f"{summary.unions} union branches ({summary.changed} rows written)."
    )
    click.echo("Checking and loading the training content…")
    try:
        lessons = load_index(current_app.config["TRAINING_CONTENT_DIR"], reload=True)
    except ContentError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    current_app.extensions["content"] = lessons
    click.echo(f"Training content: {len(lessons.tracks)} tracks, {len(lessons.lessons)} lessons.")
    click.echo("Setup complete.")


@translate.command("extract")
def translate_extract():
    """Collect marked strings into locales/messages.pot (API) and locales/app.pot (phone app)."""
    for domain in i18n.DOMAINS:
        i18n.extract(current_app.config["LOCALES_DIR"], domain=domain)


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into the vi and en catalogs of both domains."""
    for domain in i18n.DOMAINS:
        i18n.extract(current_app.config["LOCALES_DIR"], domain=domain)
        i18n.update(current_app.config["LOCALES_DIR"], domain=domain)


@translate.command("compile")
def translate_compile():
    """Compile the catalogs the app reads."""
    i18n.compile_for_app()


@click.command("create-user")
@click.option("--phone", required=True, help="Mobile number, e.g. 0912345678.")
@click.option("--role", required=True, type=click.Choice([r.value for r in STAFF_ROLES]))
@click.option("--union", "union_id", type=int, help="Union branch id (see /api/v1/unions).")
@click.option("--province", "provinces", multiple=True, help="Province code; repeat for several.")
@click.option("--national", is_flag=True, help="Managers: the whole country.")
@with_appcontext
def create_user_command(phone, role, union_id, provinces, national):
    """Create a staff account (trainer, union_admin, manager, admin), or add a role to one."""
    try:
        user = create_staff_user(phone, role, union_id, provinces, national)
    except InvalidInput as error:
        for field, messages in (error.errors or {}).items():
            click.echo(f"{field}: {' '.join(str(m) for m in messages)}", err=True)
        raise SystemExit(1) from None
    click.echo(f"User {user.id} ({user.phone}) now has role {role}.")


def register_commands(app):
    app.cli.add_command(setup_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(translate)
    app.cli.add_command(content)
    app.cli.add_command(demo_data_command)
