"""Fixtures of the jobs tests: a real redis-server for the outage tests."""
from tests.shop.core.jobs.processes import redis_server  # noqa: F401
