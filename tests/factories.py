"""Plain builders shared by the fixtures and the helper modules (no fixtures here)."""
from __future__ import annotations

import os


def business_number() -> str:
    """A random ten-digit Korean business registration number whose check digit is valid."""
    from shop.sellers.brn import is_valid

    while True:
        base = f"{int.from_bytes(os.urandom(4), 'big') % 10**9:09d}"
        number = next((base + str(d) for d in range(10) if is_valid(base + str(d))), None)
        if number:
            return number
