"""Moved to ``shop.core.notifications``. Only the job path outbox rows written before the move name
(``shop.notifications.tasks.deliver``) is kept here: remove it one release after the platform moved
(migration 0021 rewrites those rows at once).
"""
