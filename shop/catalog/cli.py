import click
from flask.cli import AppGroup

from shop.core.db import db

from . import listing_freshness, listings

storefront_cli = AppGroup("storefront", help="The storefront's listing index.")


@storefront_cli.command("rebuild")
@click.option("--market", "market_code", default=None, help="Only this market (e.g. US).")
def rebuild_command(market_code: str | None) -> None:
    """Recompute the listing index from the live catalogue (all markets, or one)."""
    if market_code:
        from shop.markets.services import get_market

        market_code = get_market(db.session, market_code).code
    count = listings.rebuild(db.session, market_code)
    db.session.commit()
    click.echo(f"{count} listing rows rebuilt" + (f" in {market_code}" if market_code else ""))


@storefront_cli.command("check")
@click.option("--sample", default=1000, show_default=True, help="How many products to compare.")
def check_command(sample: int) -> None:
    """Compare a sample of the index with the live rule; exit 1 on drift."""
    checked, drift = listing_freshness.check_freshness(db.session, sample)
    db.session.rollback()
    click.echo(f"{checked} products checked, {len(drift)} rows differ")
    for row in drift[:20]:
        click.echo(f"  {row.market_code} {row.product_id}: stored {row.stored} live {row.live}")
    if drift:
        raise SystemExit(1)
