"""Task functions used by the outbox tests, and the helpers that run and count them."""
from rq import Queue, SimpleWorker

from shop.accounts.models import User
from shop.core.db import db


def run_worker(connection, queue: str = "default") -> None:
    """A real RQ worker, in this process, until the queue is empty."""
    SimpleWorker([Queue(queue, connection=connection)], connection=connection).work(burst=True)


def runs(session, marker: str) -> int:
    """How many times ``record_run(marker)`` ran to a commit."""
    return session.query(User).filter(User.email == f"{marker}@jobs.test").count()


def record_run(marker: str) -> None:
    db.session.add(User(email=f"{marker}@jobs.test", password_hash="x", role="customer"))


def record_then_fail(marker: str) -> None:
    record_run(marker)
    db.session.flush()
    raise RuntimeError("boom")


def fail_once(marker: str, flag: str) -> None:
    """Fail the first time (creating the file ``flag``), succeed and record a run after."""
    import os

    if not os.path.exists(flag):
        open(flag, "w").close()
        raise RuntimeError("first attempt fails")
    record_run(marker)
