"""Demo markets: the sourced market rules of ``data/markets.json``."""
from __future__ import annotations


def seed_markets(session) -> None:
    from .services import sync_markets

    sync_markets(session)
