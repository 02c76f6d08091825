"""The floor for ``bench/storefront_http.py``: the same SQL as Dari, with nothing around it.

    FLOOR_STATEMENTS=statements.json FLOOR_DSN=postgresql://… gunicorn -w 2 floor_app:app

``statements.json`` maps each URL (path and query string, as the load generator sends it) to the
statements Dari executed for it, ``[[sql, parameters], …]``, captured with SQLAlchemy's
``before_cursor_execute`` (psycopg's ``%(name)s`` placeholders; datetimes, dates, decimals and bytes
tagged as ``{"$datetime": "…"}`` …). A request runs them in order on the worker's one psycopg 3
connection (opened on first use, reused), in one transaction that is rolled back (as Dari's pool
does when it takes the connection back), fetches every row and answers them as
``json.dumps(..., ensure_ascii=False, default=str)``. An unknown URL is a 404.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal

import psycopg

_DECODERS = {"$datetime": datetime.fromisoformat, "$date": date.fromisoformat, "$decimal": Decimal,
             "$bytes": bytes.fromhex}


def decode(value):
    """A parameter value from the statements file (tagged values back to their Python types)."""
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, raw), = value.items()
            if tag in _DECODERS:
                return _DECODERS[tag](raw)
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def _load(path: str) -> dict[str, list[tuple[str, dict]]]:
    with open(path, encoding="utf-8") as file:
        raw = json.load(file)
    return {url: [(sql, decode(parameters)) for sql, parameters in statements] for url, statements in raw.items()}


STATEMENTS = _load(os.environ["FLOOR_STATEMENTS"]) if "FLOOR_STATEMENTS" in os.environ else {}
_connection: psycopg.Connection | None = None


def _conn() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["FLOOR_DSN"])
    return _connection


def app(environ, start_response):
    url = environ.get("RAW_URI") or environ.get("PATH_INFO", "") + (
        "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
    statements = STATEMENTS.get(url)
    if statements is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    conn = _conn()
    results = []
    try:
        with conn.cursor() as cursor:
            for sql, parameters in statements:
                cursor.execute(sql, parameters)
                results.append(cursor.fetchall() if cursor.description is not None else None)
    finally:
        conn.rollback()
    body = json.dumps(results, ensure_ascii=False, default=str).encode()
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]
