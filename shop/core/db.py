"""Database wiring: the declarative base, naming convention, ids and timestamps.

Every table gets constraint names from one convention so that Alembic can
alter them on SQLite (batch mode) and PostgreSQL alike.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, String, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_id(prefix: str) -> str:
    """An opaque, unguessable id such as ``ord_3k9x…`` (prefix + 20 base36 chars, ~103 bits)."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(20))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


def in_check(column: str, values) -> str:
    """CHECK constraint text ``column IN ('a', 'b')`` (quotes doubled inside a value, as SQL wants)."""
    return f"{column} IN (" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


def id_column(prefix: str) -> Mapped[str]:
    return mapped_column(String(32), primary_key=True, default=lambda: new_id(prefix))


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, wait for locks, and let BEGIN take the write lock.

    pysqlite's own transaction handling defers BEGIN until the first write, so two
    transactions that both read and then write fail with "database is locked"
    instead of queueing. We switch it off and emit ``BEGIN IMMEDIATE`` ourselves
    (see ``_sqlite_begin``) so that writers serialise: stock can never be oversold
    on the embedded default either.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def render_migration_item(type_, obj, autogen_context):
    """Alembic autogenerate: write our column types as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Indexes that exist only on PostgreSQL, created by hand in migrations (e.g. pg_trgm GIN
# indexes for search); autogenerate must not propose to drop them.
ENGINE_SPECIFIC_INDEXES = frozenset({"ix_product_translations_search_trgm", "ix_storefront_search_texts_trgm"})


def include_in_migrations(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and name in ENGINE_SPECIFIC_INDEXES)


def estimated_rows(session, query) -> int | None:
    """The planner's estimate of how many rows ``query`` returns (PostgreSQL), without running it;
    None where the engine has no estimate to give (SQLite). One ``EXPLAIN``: a millisecond or
    two, whatever the table size, where ``count(*)`` reads every matching row."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    compiled = query.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled),
                                                 compiled.params).scalar()
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class UnitOfWork:
    """The transactions of one use case that must commit in stages (Cosmic Python's unit of work).

    A service that calls out between its steps (checkout: reserve and commit, call Stripe,
    record the intent) takes one and calls ``commit()`` at each stage boundary, so nothing
    is locked or open while it waits on the outside world. Leaving the ``with`` block on an
    exception rolls back the stage in progress; committed stages stay.
    """

    def __init__(self, session):
        self.session = session

    def __enter__(self) -> "UnitOfWork":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.session.rollback()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
