"""``flask demo seed``: demo data to browse and buy in every market.

Each package registers its seeder from ``init_app`` (``register_seeder``): a function
taking the session, idempotent, so seeding twice changes nothing. They run in the order
they were registered (the order of ``dari.app.PACKAGES``), except that a seeder runs
after the ones it names in ``after`` (demo carts need stock, which a later package seeds).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from shop.core.db import db

_KEY = "dari.seeders"
demo_cli = AppGroup("demo", help="Demo data.")


@dataclass(frozen=True)
class Seeder:
    name: str
    seed: Callable
    after: tuple[str, ...] = ()
    note: str | None = None  # printed by ``demo seed`` (e.g. how to sign in)


def register_seeder(app: Flask, name: str, seed: Callable, *, after: tuple[str, ...] = (),
                    note: str | None = None) -> None:
    app.extensions.setdefault(_KEY, {})[name] = Seeder(name, seed, tuple(after), note)


def seeders(app: Flask) -> list[Seeder]:
    """The registered seeders in running order (registration order; ``after`` first)."""
    registered: dict[str, Seeder] = app.extensions.get(_KEY, {})
    ordered: list[Seeder] = []
    done: set[str] = set()

    def visit(seeder: Seeder, path: tuple[str, ...] = ()) -> None:
        if seeder.name in done:
            return
        if seeder.name in path:
            raise RuntimeError(f"demo seeders wait on each other: {' -> '.join(path + (seeder.name,))}")
        for name in seeder.after:
            if name in registered:
                visit(registered[name], path + (seeder.name,))
        done.add(seeder.name)
        ordered.append(seeder)

    for seeder in registered.values():
        visit(seeder)
    return ordered


def run_seeders(session, app: Flask | None = None) -> None:
    for seeder in seeders(app or current_app):
        seeder.seed(session)
        session.flush()


@demo_cli.command("seed")
def seed_command() -> None:
    """Create demo sellers, catalogue, stock, markets and rates (idempotent)."""
    run_seeders(db.session)
    db.session.commit()
    click.echo("demo data ready")
    for seeder in seeders(current_app):
        if seeder.note:
            click.echo(seeder.note)
