"""The one adapter for outgoing e-mail: SMTP when ``MAIL_SERVER`` is set, else ``.eml`` files.

In development and tests (no ``MAIL_SERVER``) each message is written to ``MAIL_FOLDER``
(default ``instance/mail/``) so it can be read. Callers hand over a finished
``EmailMessage`` and never call this inside an open transaction or under a lock: a
message is sent by a job, after the work that decided to send it has committed.
"""
from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

DEFAULT_FROM = "Dari <no-reply@dari.local>"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def compose(*, to: str, subject: str, body: str, locale: str, html: str | None = None) -> EmailMessage:
    """A message from the configured sender, tagged with its language (``Content-Language``).

    Plain text, or with ``html`` a multipart/alternative of the text and the HTML (the text
    first: clients show the last part they can, so HTML wins where it is understood).
    """
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config.get("MAIL_FROM") or DEFAULT_FROM
    message["To"] = to
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="dari.local")
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    # Last: set_content resets Content-* headers and add_alternative moves them into the first part.
    message["Content-Language"] = locale
    return message


def send(message: EmailMessage, *, name: str) -> Path | None:
    """Send ``message`` by SMTP; without ``MAIL_SERVER`` write it as ``<name>.eml`` and return the path.

    Raises ``OSError``/``smtplib.SMTPException`` when the server cannot take it (the job retries).
    """
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=30) as smtp:
            smtp.send_message(message)
        return None
    folder = Path(config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_SAFE_NAME.sub('-', name)}.eml"
    path.write_bytes(bytes(message))
    return path
