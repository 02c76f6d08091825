import click
from flask.cli import AppGroup

from shop.core.db import db

from . import services

markets_cli = AppGroup("markets", help="Market data.")


@markets_cli.command("sync")
@click.option("--overwrite-edits", is_flag=True, help="Also replace rules that admins edited.")
def sync_command(overwrite_edits: bool) -> None:
    """Load shop/markets/data/markets.json into the database."""
    markets = services.sync_markets(db.session, overwrite_edits=overwrite_edits)
    db.session.commit()
    click.echo(f"{len(markets)} markets at data version {services.load_bundled()['version']}")
