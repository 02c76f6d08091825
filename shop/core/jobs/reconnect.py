"""Riding out a Redis outage: redis-py's ``Retry``, forever, with capped backoff and a log line per attempt.

RQ's worker retries only its blocking dequeue; every other Redis call it makes (the
heartbeat after a job, the job's own bookkeeping, maintenance) raises ``ConnectionError``
into its work loop, which logs "found an unhandled exception, quitting" and returns. Rather
than guard each of those calls, the worker's client retries every command itself: a
command issued while Redis is down waits until it answers again, then carries on where
it was. A process that is asked to stop calls ``stop_reconnecting`` so that it does not
wait for Redis to exit.
"""
from __future__ import annotations

import logging
import threading

from redis.backoff import ExponentialBackoff
from redis.retry import Retry

log = logging.getLogger("dari.redis")
_stopping = threading.Event()
BASE_SECONDS = 0.5  # the first wait is twice this


class ReconnectRetry(Retry):
    """Retry connection errors and timeouts forever (until ``stop_reconnecting``), waiting 1, 2, 4 …
    seconds up to ``max_seconds`` between attempts, and log each failed attempt once."""

    def __init__(self, max_seconds: float):
        super().__init__(ExponentialBackoff(cap=max_seconds, base=BASE_SECONDS), -1)

    def call_with_retry(self, do, fail, is_retryable=None, with_failure_count=False):
        failures = 0

        def failed(error, *count):
            nonlocal failures
            failures += 1
            fail(error, *count)  # redis-py's clean-up: drop the broken connection
            if _stopping.is_set():
                raise error
            log.warning("Redis unreachable (attempt %d): %s; trying again in %.0f s",
                        failures, error, self._backoff.compute(failures))

        result = super().call_with_retry(do, failed, is_retryable, with_failure_count)
        if failures:
            log.warning("Redis answers again after %d failed attempt(s)", failures)
        return result


def stop_reconnecting() -> None:
    """From now on a failed command raises at once: this process is stopping."""
    _stopping.set()


def next_wait(failures: int, max_seconds: float) -> float:
    """Seconds to wait after the ``failures``-th failed attempt in a row (the same backoff as the clients')."""
    return ExponentialBackoff(cap=max_seconds, base=BASE_SECONDS).compute(failures)
