"""`flask --app wsgi content validate`: check the lesson files trainers edit."""

import click
from flask import current_app
from flask.cli import AppGroup

from server.content import check_content

content = AppGroup("content", help="Check the training content in TRAINING_CONTENT_DIR.")


@content.command("validate")
@click.pass_context
def validate_command(ctx):
    """Check every track and lesson file; print file:line for each problem and fail if there are any."""
    report = check_content(current_app.config["TRAINING_CONTENT_DIR"])
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"{report.tracks} tracks, {report.lessons} lessons, {len(report.problems)} problems")
    if report.problems:
        # CI runs this command: a non-zero exit is what fails the build.
        ctx.exit(1)
