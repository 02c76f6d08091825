"""Helpers for tests that run Dari's processes (``flask run``, ``worker``, ``scheduler``)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import redis

ROOT = Path(__file__).resolve().parents[3]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_env(instance: Path, database_url: str, redis_url: str | None = None) -> dict:
    """The environment of a ``flask`` process on its own instance folder and the tests' database."""
    env = dict(os.environ, DARI_INSTANCE_PATH=str(instance), DATABASE_URL=database_url,
               SECRET_KEY="test-secret-key", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("REDIS_URL", None)
    env.pop("FLASK_DEBUG", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _default_signals() -> None:
    # A shell without job control starts background children with SIGINT ignored; these get the default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_flask(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """``flask --app wsgi ARGS`` from the venv's Python, its output in ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(FLASK + args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=_default_signals)


def stop(process: subprocess.Popen, signum: int = signal.SIGTERM, timeout: float = 60) -> int:
    """Send ``signum`` and wait for the exit (kill it if it does not go in time); returns the exit code."""
    if process.poll() is None:
        process.send_signal(signum)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    return process.returncode


def wait_until(condition, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def embedded_servers(instance: Path) -> list[psutil.Process]:
    """The running redis-server processes of the embedded Redis of ``instance`` (found by their socket)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline", "status"]):
        if not (process.info["name"] or "").startswith("redis-server"):
            continue
        if process.info["status"] != psutil.STATUS_ZOMBIE and str(instance) in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found
