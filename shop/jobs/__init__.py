"""Background jobs: Redis connection, the transactional outbox, worker and scheduler."""
