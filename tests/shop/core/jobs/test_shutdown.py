"""Stopping the web app, a worker and the scheduler with SIGTERM or SIGINT stops their embedded Redis."""
from __future__ import annotations

import signal

import pytest
import redis
import requests

from tests.shop.core.jobs.processes import (
    answers,
    embedded_servers,
    flask_env,
    free_port,
    start_flask,
    stop,
    wait_until,
)


@pytest.mark.live
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_web_worker_and_scheduler_stopped_by_a_signal_leave_no_embedded_redis(tmp_path, database_url, signum):
    instance = tmp_path / "instance"
    env = flask_env(instance, database_url)
    port = free_port()
    users = instance / "redis-users"
    web = start_flask(["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"], env, tmp_path / "web.log")
    worker = start_flask(["worker"], env, tmp_path / "worker.log")
    scheduler = start_flask(["scheduler"], env, tmp_path / "scheduler.log")
    processes = {"web": web, "worker": worker, "scheduler": scheduler}
    try:
        # given: all three use the one embedded server (the web app opens it on its first /healthz)
        def web_healthy():
            try:
                return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_until(web_healthy, 90), (tmp_path / "web.log").read_text()[-2000:]
        registered = wait_until(lambda: {str(p.pid) for p in processes.values()} <= set(
            p.name for p in users.iterdir()), 90)
        assert registered, {name: (tmp_path / f"{name}.log").read_text()[-2000:] for name in processes}
        assert len(embedded_servers(instance)) == 1
    finally:
        # when: each is stopped by the signal, the web app last (it was the one that never released the server)
        codes = {name: stop(process, signum) for name, process in processes.items() if name != "web"}
        codes["web"] = stop(web, signum)

    # then: each went through its exit hooks, and the last one stopped the server
    socket = redis.Redis(unix_socket_path=str(instance / "redis.sock"), socket_connect_timeout=0.3)
    try:
        assert wait_until(lambda: not embedded_servers(instance), 10), (
            codes, {name: (tmp_path / f"{name}.log").read_text()[-1500:] for name in processes})
        assert not answers(socket)
        assert not list(users.iterdir())
    finally:
        for server in embedded_servers(instance):  # a failed run leaves no server behind either
            server.kill()
