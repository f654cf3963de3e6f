"""gunicorn's production settings; `gunicorn wsgi:app` reads this file from the working directory.

Options given on the command line win over these (`--bind 127.0.0.1:8001`, `--workers 2`).
"""

import multiprocessing
import os

bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
# Sync workers, one request at a time each: the app is CPU-bound (photos, reports) and short
# requests, behind a load balancer or nginx that buffers slow clients.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# The app is built once, in the master, and every worker is forked from it (also each worker that
# replaces a recycled one): no worker spends its first requests importing and loading.
preload_app = True
# Answers gunicorn's own refusals (414, 431, 400) in the app's JSON error shape.
worker_class = "server.gunicorn_worker.JsonErrorWorker"

# A request still running after this many seconds is stuck: its worker is killed and replaced,
# and the client gets no answer. The app gives up sooner wherever it waits (database: connect
# 3 s, pool 5 s, statement 10 s; SMS provider: 10 s) and answers JSON 503 instead.
timeout = 30
# On a deploy or restart, requests in flight get this long to finish.
graceful_timeout = 30
# Workers are replaced after this many requests (with jitter, not all at once), so that a slow
# leak in a library never grows without end. At 2,000 a busy worker was replaced every second or two,
# each new one opening its database connections and filling its caches again.
max_requests = 10000
max_requests_jitter = 1000

# The request limits gunicorn enforces before the app reads anything (gunicorn's defaults, said out
# loud): a request line of 4 KB (longer: 414), at most 100 header fields of 8 KB each (more: 431).
# Request bodies are limited per route by the app (server/body_limits.py).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Logs to standard output and error, for the service manager or container to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client, request line, status, bytes, seconds. Tokens travel in headers, never in logged addresses.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'


def when_ready(server):
    """Before the first worker is forked: load what each worker would otherwise load on its first
    lesson request (the lessons, ~0.4 s), so that the workers share it."""
    from server.services.lessons import current_index

    app = server.app.wsgi()
    with app.app_context():
        current_index()


def post_fork(server, worker):
    """Database connections are never shared across processes: a worker opens its own."""
    from server.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)
