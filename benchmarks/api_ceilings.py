"""The two ceilings benchmarks/api.py measures the API against, served by gunicorn like the app.

    gunicorn -c gunicorn.conf.py 'benchmarks.api_ceilings:create_bare_app()'
    gunicorn -c gunicorn.conf.py 'benchmarks.api_ceilings:create_select_one_app()'   # reads DATABASE_URL

A bare Flask app answering a small JSON, and the same app running one `SELECT 1` per request on the
database of DATABASE_URL through an engine with the app's pool settings (config.engine_options): the
floor cost of any endpoint that touches the database. Checkout, the query and the rollback on
return are what the app's /healthz does through its session.
"""

from flask import Flask
from sqlalchemy import create_engine, text

import config


def create_bare_app():
    """One route answering `{"status": "ok"}`: what Flask and gunicorn cost on their own."""
    app = Flask(__name__)

    @app.get("/")
    def answer():
        return {"status": "ok"}

    return app


def create_select_one_app(environ=None):
    """One route running `SELECT 1` on a pooled connection configured as the app's, then answering."""
    settings = config.from_environment(environ)
    engine = create_engine(settings["SQLALCHEMY_DATABASE_URI"], **config.engine_options(settings))
    app = Flask(__name__)

    @app.get("/")
    def answer():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}

    return app
