"""Swagger UI's files, served locally for the docs page at /api/v1/docs."""

from flask import Blueprint, current_app, send_from_directory

blp = Blueprint("docs_assets", __name__)


@blp.route("/api/v1/docs/assets/<path:filename>")
def swagger_ui_asset(filename):
    return send_from_directory(current_app.config["SWAGGER_UI_ASSETS"], filename, max_age=86400)
