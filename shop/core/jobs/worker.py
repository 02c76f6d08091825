"""The RQ worker ``flask worker`` runs: RQ's SimpleWorker on a client that waits out Redis outages."""
from __future__ import annotations

import logging

import redis
from rq import SimpleWorker
from rq.worker import WorkerStatus

from .reconnect import stop_reconnecting

log = logging.getLogger("dari.worker")


class Worker(SimpleWorker):
    """SimpleWorker (each job in this process, no fork) whose Redis calls wait for Redis.

    Its connection retries every command until Redis answers (``reconnect``), so the
    heartbeat after a job, the job's bookkeeping and the maintenance tasks no longer end the
    work loop when Redis goes away for a while; the worker pauses where it was and goes on.
    RQ's own SIGTERM/SIGINT handling is kept (first signal: warm shutdown, the running job
    finishes; second: cold shutdown); a stopping worker stops waiting for Redis, except that
    a warm shutdown lets the running job's bookkeeping wait for it.
    """

    def request_stop(self, signum, frame):
        if self.get_state() != WorkerStatus.BUSY:
            stop_reconnecting()
        super().request_stop(signum, frame)

    def request_force_stop(self, signum, frame):
        stop_reconnecting()
        super().request_force_stop(signum, frame)

    def unsubscribe(self):
        # RQ unsubscribes, then waits without a bound for its pubsub thread to stop. A thread
        # that reads the unsubscribe reply before it is told to stop goes back to wait for a
        # subscription for its whole poll timeout (a minute), and so does the shutdown. Telling
        # it to stop first, then unsubscribing (which wakes it), ends it at once.
        if self.pubsub_thread:
            self.log.info("Worker %s: unsubscribing from channel %s", self.name, self.pubsub_channel_name)
            self.pubsub_thread.stop(timeout=0)
            self.pubsub.unsubscribe()
            self.pubsub_thread.join(timeout=1)
            self.pubsub.close()

    def teardown(self):
        try:
            super().teardown()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("worker %s stopped while Redis was unreachable; its registration expires: %s",
                        self.name, exc)
