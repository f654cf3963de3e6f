"""The application factory: a Flask app built from small, named steps."""

import logging
from pathlib import Path

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

import config
from server.extensions import api, babel, compress, db, jwt, limiter, migrate
from server.json_responses import OrjsonProvider

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(settings=None):
    """Build the app from environment variables, or from `settings` when given (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.json = OrjsonProvider(app)
    app.config.update(config.from_environment() if settings is None else settings)
    config.check_production(app.config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config))
    app.config.update(_api_settings())

    register_extensions(app)
    register_blueprints(app)
    register_input_guards(app)
    drop_cookie_session(app)
    register_response_headers(app)
    register_errorhandlers(app)
    register_commands(app)
    configure_logging(app)
    trust_proxies(app)
    return app


def _api_settings():
    import swagger_ui_bundle

    return {
        "API_TITLE": "Chợ Quê Online API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served by the app itself, so the docs work without a CDN.
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
        "SWAGGER_UI_ASSETS": swagger_ui_bundle.swagger_ui_path,
        "API_SPEC_OPTIONS": {
            # Relative: the document describes whichever server serves it.
            "servers": [{"url": "/", "description": "This server (paths start with /api/v1)."}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            }
        },
    }


def register_extensions(app):
    from server import auth, clock, sms  # noqa: F401  (auth registers the token loaders)
    from server.storage import storage_from_config

    clock.init_app(app)
    sms.init_app(app)
    app.extensions["storage"] = storage_from_config(app.config)
    db.init_app(app)
    from server import database

    database.init_app(app, db)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    from server.i18n import select_locale

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_locale="vi",
        default_timezone="Asia/Ho_Chi_Minh",
        default_translation_directories=app.config["LOCALES_DIR"],
    )
    jwt.init_app(app)
    limiter.init_app(app)
    _check_limits_only_where_decorated(app)
    api.init_app(app)
    compress.init_app(app)


def _check_limits_only_where_decorated(app):
    """Flask-Limiter checks every request for default and blueprint limits in a before_request hook. The
    app has neither: its only limits are `limiter.limit` decorators, which check their own view. Without
    the hook, the other routes skip ~0.15 ms of work that finds no limit (README, Performance)."""
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        raise RuntimeError("Default or application-wide rate limits need Flask-Limiter's before_request check.")
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not there with RATELIMIT_ENABLED=False
        hooks.remove(limiter._check_request_limit)


def register_blueprints(app):
    from api import register_blueprints as register_api_blueprints
    from server import web
    from server.docs import blp as docs_assets
    from server.pages import blp as pages

    register_api_blueprints(app, api)
    app.register_blueprint(docs_assets)
    app.register_blueprint(pages)
    web.init_app(app)


def register_input_guards(app):
    from server import body_limits
    from server.errors import InvalidInput
    from server.messages import NUL_CHARACTER

    body_limits.init_app(app)

    @app.before_request
    def refuse_nul_characters():
        """Text cannot hold the NUL character (PostgreSQL refuses it): say so before anything is stored."""
        in_json = request.is_json and (b"\\u0000" in request.get_data(cache=True) or b"\x00" in request.get_data())
        in_query = request.query_string and any("\x00" in value for value in request.args.values())
        if "\x00" in request.path or in_query or in_json:
            raise InvalidInput(errors={"request": [NUL_CHARACTER]})


def register_response_headers(app):
    from server import security_headers

    security_headers.init_app(app)

    @app.after_request
    def vary_by_language_and_user(response):
        """API answers depend on the language and the signed-in user; caches must key on both."""
        if response.mimetype == "application/json":
            if response.headers.get("Vary"):
                response.vary.update(("Accept-Language", "Authorization"))
            else:  # as the line above writes it, without parsing an empty header first
                response.headers["Vary"] = "Accept-Language, Authorization"
        return response


def drop_cookie_session(app):
    """No Flask session: people sign in with bearer tokens, and nothing is kept in a cookie. Flask would
    otherwise look for its signed cookie on every request (~0.02 ms); writing to `flask.session` fails
    loudly instead of setting a cookie nobody reads."""
    from flask.sessions import SessionInterface

    class NoCookieSession(SessionInterface):
        def open_session(self, app, request):
            return self.make_null_session(app)

        def save_session(self, app, session, response):
            """Never called: Flask saves no null session."""

    app.session_interface = NoCookieSession()


def register_errorhandlers(app):
    from server.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app):
    from server.cli import register_commands as register_cli

    register_cli(app)


def trust_proxies(app):
    """Behind TRUSTED_PROXY_COUNT proxies, the client's address and scheme are the ones they forward.

    Only then: without a proxy that overwrites them, X-Forwarded-For is whatever the client wrote,
    and the per-IP limits would count the address it chose. X-Forwarded-Host is never used:
    addresses the app writes come from PUBLIC_BASE_URL.
    """
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)


def configure_logging(app):
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys and let readers work while one writer writes."""
    if type(dbapi_connection).__module__ == "sqlite3":
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
