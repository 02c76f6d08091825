"""Korean business registration number (사업자등록번호) check digit.

Weights and the extra ``floor(d9·5/10)`` term from the reference facts [B1]:
``check = (10 − (Σ dᵢ·wᵢ + ⌊d9·5/10⌋) mod 10) mod 10``.
"""
from __future__ import annotations

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalize(value: str) -> str | None:
    """``123-45-67891`` → ``1234567891``; None unless exactly ten digits (hyphens/spaces allowed)."""
    stripped = value.replace("-", "").replace(" ", "")
    if len(stripped) != 10 or not stripped.isascii() or not stripped.isdigit():
        return None
    return stripped


def is_valid(value: str) -> bool:
    digits = normalize(value)
    if digits is None:
        return False
    d = [int(c) for c in digits]
    total = sum(a * b for a, b in zip(d[:9], WEIGHTS)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10 == d[9]


def format_number(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
