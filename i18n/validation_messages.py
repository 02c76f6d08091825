"""Marshmallow's built-in validation messages, translated into the request's locale.

Marshmallow formats its English templates eagerly. We translate the *template*
first and format it afterwards, by wrapping ``Field.make_error`` and each
validator's ``_format_error``. The ``N_`` list below is what gettext extraction
picks up; it must cover every template marshmallow can produce for our schemas.
"""
from __future__ import annotations

import copy
import functools

from flask_babel import gettext
from marshmallow import fields, validate


def N_(message: str) -> str:  # noqa: N802 - gettext's marker convention
    return message


TEMPLATES = [
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid date."),
    N_("Not a valid {obj_type}."),
    N_("Not a valid {awareness} {obj_type}."),
    N_('"{input}" cannot be formatted as a {obj_type}.'),
    N_("Not a valid period of time."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("String does not match expected pattern."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Longer than maximum length {max}."),
    N_("Shorter than minimum length {min}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Invalid JSON body."),
]

_installed = False


def _translate(message):
    return gettext(message) if isinstance(message, str) else message


def _make_error(self, key: str, **kwargs):
    from marshmallow import ValidationError

    msg = self.error_messages[key]
    if isinstance(msg, str):
        msg = _translate(msg).format(**kwargs)
    return ValidationError(msg)


def _wrap_format_error(original):
    @functools.wraps(original)
    def _format_error(self, value, *args):
        clone = copy.copy(self)
        if isinstance(getattr(clone, "error", None), str):
            clone.error = _translate(clone.error)
        return original(clone, value, *(_translate(a) for a in args))

    return _format_error


def install() -> None:
    """Patch marshmallow once per process (idempotent)."""
    global _installed
    if _installed:
        return
    fields.Field.make_error = _make_error
    for name in dir(validate):
        cls = getattr(validate, name)
        if isinstance(cls, type) and issubclass(cls, validate.Validator) and "_format_error" in vars(cls):
            cls._format_error = _wrap_format_error(vars(cls)["_format_error"])
    _installed = True


def translate_messages(messages):
    """Translate leftover plain messages (schema-level ones such as "Unknown field.")."""
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_messages(value) for value in messages]
    if isinstance(messages, str):
        return gettext(messages)
    return str(messages)
