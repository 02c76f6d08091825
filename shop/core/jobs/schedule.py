"""Periodic jobs. Packages register theirs from ``init_app``; ``flask scheduler`` runs them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str  # dotted path of a function taking no arguments
    interval_seconds: int


def register_periodic(app: Flask, name: str, task: str, interval_seconds: int) -> None:
    app.extensions.setdefault("dari.periodic", {})[name] = Periodic(name, task, interval_seconds)


def periodic_jobs(app: Flask) -> list[Periodic]:
    return sorted(app.extensions.get("dari.periodic", {}).values(), key=lambda p: p.name)
