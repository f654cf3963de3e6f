"""Loading rows in bulk: COPY on PostgreSQL, Core `insert()` executemany on other databases.

Rows are tuples in the column order of COLUMNS. They are buffered per table and flushed in
foreign-key order, so a row is always written after the rows it points at.
"""

import queue
import threading
import time

from sqlalchemy import func, select, text

from server.demo.postgresql import set_aside
from server.extensions import db

# The columns the demo writes, table by table, in the order of the tuples the builders make.
COLUMNS = {
    "users": ("id", "phone", "full_name", "locale", "gender", "created_at", "phone_verified_at",
              "profile_completed_at"),
    "role_grants": ("id", "user_id", "role", "union_id", "province_code", "created_at"),
    "consents": ("id", "user_id", "version", "purposes", "recorded_at", "recorded_by_id", "on_behalf"),
    "sellers": ("id", "kind", "name", "commune_code", "address", "description", "owner_id", "created_at",
                "updated_at", "activated_at", "last_activity_day"),
    "seller_members": ("id", "seller_id", "user_id", "role", "added_at", "added_by_id"),
    "products": ("id", "seller_id", "title", "description", "category", "price_vnd", "unit", "stock", "sku",
                 "weight_g", "length_cm", "width_cm", "height_cm", "ocop_stars", "status", "search_text",
                 "create_fingerprint", "created_at", "updated_at", "published_at"),
    "product_photos": ("id", "product_id", "position", "width", "height", "keys", "hints", "created_at"),
    "payout_accounts": ("seller_id", "bank_bin", "account_number", "account_name", "created_at", "updated_at"),
    "channels": ("id", "seller_id", "channel", "url", "created_at"),
    "sales": ("id", "seller_id", "occurred_on", "channel", "amount_vnd", "quantity", "product_id",
              "fingerprint", "created_at"),
    "seller_activity": ("id", "seller_id", "day", "kind"),
    "quiz_attempts": ("id", "user_id", "lesson_slug", "answers", "score", "question_count", "pass_mark",
                      "passed", "results", "fingerprint", "created_at"),
    "progress_events": ("id", "user_id", "lesson_slug", "kind", "card", "seconds", "at", "received_at",
                        "occurred_at", "fingerprint"),
    "lesson_progress": ("user_id", "lesson_slug", "status", "cards_viewed", "attempts", "failed_attempts",
                        "best_score", "started_at", "last_activity_at", "passed_at", "completed_at"),
    "cohorts": ("id", "name", "union_id", "starts_on", "ends_on", "created_by_id", "created_at"),
    "cohort_trainers": ("id", "cohort_id", "user_id"),
    "cohort_communes": ("id", "cohort_id", "commune_code"),
    "cohort_tracks": ("id", "cohort_id", "track_slug"),
    "cohort_members": ("id", "cohort_id", "user_id", "seller_id", "enrolled_by_id", "enrolled_at", "accepted_at"),
    "invitations": ("id", "kind", "phone", "cohort_id", "invited_by_id", "created_at", "status", "responded_at",
                    "sms_sent_at"),
    "training_sessions": ("id", "cohort_id", "held_on", "topic", "lesson_slugs", "recorded_by_id",
                          "fingerprint", "created_at"),
    "session_attendees": ("id", "session_id", "user_id"),
}

# Tables whose integer ids the demo hands out itself (so that rows can point at each other
# without a round trip); on PostgreSQL their sequences are moved past the new ids at the end.
COUNTED_IDS = ("users", "role_grants", "consents", "sellers", "seller_members", "channels",
               "seller_activity", "cohorts", "cohort_trainers", "cohort_communes", "cohort_tracks",
               "cohort_members", "invitations", "session_attendees")

FLUSH_ROWS = 100_000
_PG_TYPE_NAMES = {"integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool",
                  "timestamp with time zone": "timestamptz"}


_VERSION_4 = ~((0xF000 << 64) | (0xC000 << 48)), (0x4000 << 64) | (0x8000 << 48)


def new_uuid(rng):
    """A version-4 UUID drawn from `rng`, so that reruns give the same ids.

    The same text as str(uuid.UUID(int=..., version=4)), formatted directly: millions are made.
    """
    clear, set_bits = _VERSION_4
    digits = f"{rng.getrandbits(128) & clear | set_bits:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


class IdCounter:
    """The next free integer id of each table, starting after the rows already there."""

    def __init__(self, connection):
        self._next = {}
        for name in COUNTED_IDS:
            table = db.metadata.tables[name]
            self._next[name] = (connection.scalar(select(func.max(table.c.id))) or 0) + 1

    def take(self, table):
        value = self._next[table]
        self._next[table] = value + 1
        return value


class BulkWriter:
    """Buffers rows per table and writes them in large chunks, reporting rows per second.

    On PostgreSQL a second thread runs binary COPYs, so the database stores one chunk while Python
    builds the next, into tables whose foreign keys and secondary indexes are set aside until the
    end (server.demo.postgresql); elsewhere chunks are written in line. Use it as a context manager: leaving
    on an error stops the writing thread before the transaction is rolled back.
    """

    def __init__(self, connection, echo, flush_rows=FLUSH_ROWS):
        self.connection = connection
        self.echo = echo
        self.flush_rows = flush_rows
        self.postgresql = connection.dialect.name == "postgresql"
        self.order = [table.name for table in db.metadata.sorted_tables if table.name in COLUMNS]
        self.buffers = {name: [] for name in self.order}
        self.buffered = 0
        self.produced = 0
        self.written = dict.fromkeys(self.order, 0)
        self.seconds = dict.fromkeys(self.order, 0.0)
        self.started = time.perf_counter()
        self._set_aside = set_aside(connection, COLUMNS) if self.postgresql else None
        self._chunks = queue.Queue(maxsize=2) if self.postgresql else None
        self._failure = None
        self._abandoned = False
        self._thread = None
        if self._chunks is not None:
            self._thread = threading.Thread(target=self._drain, name="demo-data-copy", daemon=True)
            self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        # On an error the transaction rolls back: chunks still queued need not be written.
        self._abandoned = error is not None
        self._stop()

    def add(self, table, row):
        self.buffers[table].append(row)
        self.buffered += 1
        if self.buffered >= self.flush_rows:
            self.flush()

    def flush(self):
        """Hand every buffered row to the database, parents before children."""
        chunk = {name: rows for name, rows in self.buffers.items() if rows}
        self.buffers = {name: [] for name in self.order}
        self.produced += self.buffered
        self.buffered = 0
        if self._chunks is None:
            self._write_chunk(chunk)
            return
        self._raise_failure()
        self._chunks.put(chunk)

    def _drain(self):
        while (chunk := self._chunks.get()) is not None:
            if self._failure is None and not self._abandoned:
                try:
                    self._write_chunk(chunk)
                except BaseException as error:  # noqa: BLE001 - handed to the main thread
                    self._failure = error

    def _stop(self):
        if self._thread is not None and self._thread.is_alive():
            self._chunks.put(None)
            self._thread.join()

    def _raise_failure(self):
        if self._failure is not None:
            raise self._failure

    def _write_chunk(self, chunk):
        for name in self.order:
            rows = chunk.get(name)
            if rows:
                began = time.perf_counter()
                self._write(name, rows)
                self.seconds[name] += time.perf_counter() - began
                self.written[name] += len(rows)

    def _write(self, name, rows):
        columns = COLUMNS[name]
        if len(rows[0]) != len(columns):
            raise ValueError(f"{name}: rows have {len(rows[0])} values for {len(columns)} columns")
        if self.postgresql:
            self._copy(name, columns, rows)
        else:
            table = db.metadata.tables[name]
            self.connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])

    def _copy(self, name, columns, rows):
        # Binary COPY: the server stores the values as they come, without parsing text.
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(self._types(name, columns))
            for row in rows:
                copy.write_row(row)

    def _types(self, name, columns):
        """PostgreSQL type names of the columns, as psycopg knows them: "int4", "timestamptz"…"""
        table = db.metadata.tables[name]
        names = []
        for column in columns:
            compiled = table.c[column].type.compile(dialect=self.connection.dialect).lower().split("(")[0]
            names.append(_PG_TYPE_NAMES.get(compiled, compiled))
        return names

    @property
    def total(self):
        """Rows made so far, written or not."""
        return self.produced + self.buffered

    def rate(self):
        elapsed = time.perf_counter() - self.started
        return self.total / elapsed if elapsed else 0.0

    def finish(self):
        """Write what is left; on PostgreSQL move the id sequences on and refresh planner statistics."""
        self.flush()
        self._stop()
        self._raise_failure()
        if self._set_aside is not None:
            began = time.perf_counter()
            self._set_aside.restore(self.connection)
            self.echo(f"Indexes rebuilt and foreign keys checked in {time.perf_counter() - began:.1f} s.")
        if self.postgresql:
            for name in COUNTED_IDS:
                if self.written.get(name):
                    self.connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    ))
            began = time.perf_counter()
            for name in self.order:
                if self.written[name]:
                    self.connection.execute(text(f"ANALYZE {name}"))
            self.echo(f"Planner statistics refreshed in {time.perf_counter() - began:.1f} s.")

    def report(self):
        """One line per table: rows written and how fast."""
        lines = []
        for name in self.order:
            rows, seconds = self.written[name], self.seconds[name]
            if rows:
                speed = f"{rows / seconds:,.0f} rows/s" if seconds else "-"
                lines.append(f"  {name:<18} {rows:>11,} rows  {seconds:7.1f} s writing  {speed}")
        return lines
