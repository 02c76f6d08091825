"""Domain errors and their rendering as RFC 9457 ``application/problem+json``.

A service raises a ``DomainError`` subclass; one app-level handler turns it,
schema validation errors, 404/405 and unexpected failures alike into a problem
document whose title and detail are in the request's locale. Tests assert the
stable ``code``.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from i18n.korean import resolve_particles
from i18n.validation_messages import translate_messages

log = logging.getLogger(__name__)
PROBLEM_MIMETYPE = "application/problem+json"


class DomainError(Exception):
    """Base of every error a service raises on purpose.

    Subclasses set ``code`` (stable, snake_case), ``status`` and ``title``
    (a lazily translated string). ``detail`` may be a lazy string formatted with
    ``params`` at render time; ``errors`` carries per-field messages. An error
    that knows when trying again can succeed sets ``retry_after`` (seconds): it
    becomes the ``Retry-After`` header; ``headers()`` may add others.
    """

    code = "domain_error"
    status = 400
    title = _l("The request could not be completed.")
    detail: Any = None
    retry_after: int | None = None

    def __init__(self, detail: Any = None, *, errors: dict | None = None, **params: Any):
        super().__init__(str(detail) if detail is not None else self.code)
        if detail is not None:
            self.detail = detail
        self.errors = errors
        self.params = params

    def render_detail(self) -> str | None:
        if self.detail is None:
            return None
        text = str(self.detail)
        if self.params:
            return resolve_particles(text % self.params)
        return None if "%(" in text else text  # raised without its parameters: the title says enough

    def extra(self) -> dict:
        """Additional members for the problem document (e.g. the lines out of stock)."""
        return {}

    def headers(self) -> dict[str, str]:
        """Response headers of the problem (``Retry-After`` from ``retry_after``)."""
        return {"Retry-After": str(max(int(self.retry_after), 1))} if self.retry_after is not None else {}


class NotFound(DomainError):
    code = "not_found"
    status = 404
    title = _l("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    title = _l("You are not allowed to do this.")


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401
    title = _l("Authentication is required.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = _l("The request conflicts with the current state.")


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    title = _l("The request contains invalid data.")


class UnsupportedLocale(DomainError):
    code = "unsupported_locale"
    status = 400
    title = _l("This language is not supported.")


class NulCharacter(DomainError):
    code = "invalid_characters"
    status = 400
    title = _l("The request contains a NUL character, which is not allowed.")


class TooDeeplyNested(DomainError):
    code = "too_deeply_nested"
    status = 400
    title = _l("The request body is nested too deeply.")


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    status = 503
    title = _l("The service is temporarily unavailable.")


class ConcurrentChange(Conflict):
    code = "concurrent_change"
    title = _l("Someone else changed this at the same moment. Reload and try again.")


class InvalidValue(DomainError):
    code = "invalid_value"
    status = 422
    title = _l("A value is outside what can be stored.")


class InvalidIdempotencyKey(InvalidInput):
    code = "invalid_idempotency_key"
    title = _l("The Idempotency-Key header is not valid.")

    def __init__(self):
        super().__init__(errors={"Idempotency-Key": [_l("8 to 100 letters, digits, '-', '_', ':' or '.'.")]})


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    title = _l("This Idempotency-Key was already used for a different request.")


class CredentialInQuery(DomainError):
    """A secret (an access token) came in the query string, which proxies and servers write to their logs.

    Refused rather than ignored, so that a client still sending it learns where it belongs
    (``header``) instead of getting a puzzling 404.
    """

    code = "credential_in_query"
    status = 400
    title = _l("Access tokens must not be sent in the URL.")
    detail = _l("Send the token in the %(header)s header instead.")


# Unique constraints whose violation has a domain error of its own, by (table, columns):
# a check-then-insert loses to a parallel request now and then, and the loser must get
# the same 409 as when the check caught it.
_UNIQUE_CONFLICTS: dict[tuple[str, tuple[str, ...]], type[DomainError]] = {}


def unique_conflict(table: str, *columns: str):
    """Class decorator: raise this error when ``table``'s unique ``columns`` are violated."""

    def register(cls):
        _UNIQUE_CONFLICTS[(table, tuple(sorted(columns)))] = cls
        return cls

    return register


def _violated_unique(error) -> tuple[str, tuple[str, ...]] | None:
    """(table, columns) of the unique constraint an IntegrityError broke, on PostgreSQL or SQLite."""
    import re

    from shop.core.db import db

    name = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if name:
        for table in db.metadata.tables.values():
            for item in [*table.constraints, *table.indexes]:
                if item.name == name:
                    return table.name, tuple(sorted(c.name for c in item.columns))
        return None
    match = re.search(r"UNIQUE constraint failed: (.+)$", str(error.orig))
    if not match:
        return None
    pairs = [part.strip().split(".", 1) for part in match.group(1).split(",")]
    return pairs[0][0], tuple(sorted(column for _, column in pairs))


def render_integrity_error(error) -> Response:
    cls = _UNIQUE_CONFLICTS.get(_violated_unique(error) or ("", ()), ConcurrentChange)
    return render_domain_error(cls())


def render_data_error(error) -> Response:
    if "NUL" in str(error.orig) or "\\x00" in str(error.orig):
        return render_domain_error(NulCharacter())
    return render_domain_error(InvalidValue())


def render_concurrent_change(error) -> Response:
    return render_domain_error(ConcurrentChange())


# Titles of plain HTTP errors, by status, so that they are translated too.
HTTP_TITLES = {
    400: (_l("The request is malformed."), "bad_request"),
    401: (_l("Authentication is required."), "unauthorized"),
    403: (_l("You are not allowed to do this."), "forbidden"),
    404: (_l("Not found."), "not_found"),
    405: (_l("This method is not allowed for this resource."), "method_not_allowed"),
    409: (_l("The request conflicts with the current state."), "conflict"),
    413: (_l("The request body is too large."), "payload_too_large"),
    415: (_l("The request body must be JSON."), "unsupported_media_type"),
    422: (_l("The request contains invalid data."), "validation_error"),
    428: (_l("A precondition header is required."), "precondition_required"),
    429: (_l("Too many requests. Try again later."), "too_many_requests"),
    500: (_l("Something went wrong on our side."), "internal_error"),
    503: (_l("The service is temporarily unavailable."), "service_unavailable"),
}
HTTP_DETAILS = {
    404: _l("The requested resource does not exist or is not yours."),
    405: _l("Use one of the allowed methods: %(allowed)s."),
    500: _l("The error has been logged. Please try again later."),
}
# Every problem with field errors says so in a sentence too (SPEC §8): not every client shows ``errors``.
FIELD_ERRORS_DETAIL = _l("Some fields are missing or not valid: errors says which and why.")


# Every 401 names the scheme to authenticate with (RFC 9110 §11.6.1, RFC 6750 §3), and every
# 429 says when to come back (RFC 6585 §4); a 429 that does not know is given this many seconds.
WWW_AUTHENTICATE = 'Bearer realm="dari"'
DEFAULT_RETRY_AFTER_SECONDS = 60


def problem(status: int, code: str, title: str, detail: str | None = None,
            errors: Any = None, headers: dict | None = None, **extra: Any) -> Response:
    """The one problem+json renderer: every error response is built here."""
    body = {"type": "about:blank", "title": title, "status": status, "code": code}
    if errors and not detail:
        detail = str(FIELD_ERRORS_DETAIL)
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", WWW_AUTHENTICATE)
    elif status == 429:
        response.headers.setdefault("Retry-After", str(DEFAULT_RETRY_AFTER_SECONDS))
    return response


def render_domain_error(error: DomainError) -> Response:
    errors = translate_messages(error.errors) if error.errors else None
    return problem(error.status, error.code, str(error.title), error.render_detail(), errors, error.headers(),
                   **error.extra())


def render_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    title, code = HTTP_TITLES.get(status, (None, None))
    title = str(title) if title else error.name
    code = code or error.name.lower().replace(" ", "_")
    detail = None
    errors = None
    headers = {}
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        # webargs nests messages by location ("json", "query", …); flatten one level
        # when a single location failed, so clients see field names directly.
        if isinstance(messages, dict) and len(messages) == 1:
            messages = next(iter(messages.values()))
        errors = translate_messages(messages)
    if status == 405:
        allowed = getattr(error, "valid_methods", None) or []
        detail = gettext(str(HTTP_DETAILS[405]), allowed=", ".join(allowed)) if allowed else None
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    elif status in HTTP_DETAILS:
        detail = str(HTTP_DETAILS[status])
    # werkzeug's own Unauthorized(www_authenticate=…) and TooManyRequests(retry_after=…) keep theirs.
    for name, value in error.get_headers():
        if name in ("WWW-Authenticate", "Retry-After"):
            headers[name] = value
    return problem(status, code, title, detail, errors, headers)


def render_unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    title, code = HTTP_TITLES[500]
    return problem(500, code, str(title), str(HTTP_DETAILS[500]))


def _rolling_back(render):
    """Every error response first discards the request's unflushed and flushed work."""

    def handler(error):
        from shop.core.db import db

        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - a broken connection must not hide the real error
            log.exception("rollback failed while handling an error")
        return render(error)

    return handler


def init_app(app: Flask) -> None:
    from sqlalchemy.exc import DataError, IntegrityError
    from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

    app.register_error_handler(DomainError, _rolling_back(render_domain_error))
    app.register_error_handler(IntegrityError, _rolling_back(render_integrity_error))
    app.register_error_handler(DataError, _rolling_back(render_data_error))
    app.register_error_handler(ObjectDeletedError, _rolling_back(render_concurrent_change))
    app.register_error_handler(StaleDataError, _rolling_back(render_concurrent_change))
    app.register_error_handler(HTTPException, _rolling_back(render_http_exception))
    app.register_error_handler(Exception, _rolling_back(render_unexpected))
