"""Errors of the customs papers."""
from __future__ import annotations


class CustomsDataInvalid(ValueError):
    """The data handed to the customs papers cannot go on a customs document as it is.

    A plain ``ValueError`` (this library has no routes and no messages of its own): the
    caller that built the input from its rows maps it to its own domain error. ``field``
    names the offending input (``items[2].hs_code``); ``code`` is stable for tests.
    """

    code = "customs_data_invalid"

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
