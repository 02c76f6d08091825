"""Notifications: e-mail rendered from each package's templates, in the recipient's language.

A package brings its messages as templates (``mail/<message>.subject.txt``, ``.txt``, ``.html``
in a folder it registers with ``register_templates`` from its ``init_app``) and sends them with
``queue`` inside the transaction that decided to (delivered by an outbox job after commit), or
builds one with ``message`` to send from a job of its own. The templates' texts belong to the
package's message domain, like its Python code.
"""
from __future__ import annotations

from .rendering import Rendered, message, register_templates, render
from .services import queue

__all__ = ["Rendered", "init_app", "message", "queue", "register_templates", "render"]


def init_app(app) -> None:
    """The notifications table, and the template environment (with the shared ``mail/base.html``)."""
    from . import models, rendering, tasks  # noqa: F401 - models: the tables in the metadata

    rendering.init_app(app)
