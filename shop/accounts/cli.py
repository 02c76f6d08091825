import click
from flask.cli import AppGroup

from shop.core.db import db

from . import services

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--role", type=click.Choice(["admin", "ops"]), required=True)
@click.option("--name", default=None)
def create_user_command(email: str, password: str, role: str, name: str | None) -> None:
    """Create a staff account."""
    user = services.create_user(db.session, email, password, role=role, name=name)
    db.session.commit()
    click.echo(f"created {user.role} {user.email} ({user.id})")
