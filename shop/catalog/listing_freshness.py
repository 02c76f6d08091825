"""Is the listing index fresh? A sample of its rows compared with the live rule (``listings.compute_rows``),
for ``GET /api/v1/admin/storefront/freshness`` and ``flask storefront check``."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.core.db import new_id

from .listings import ListingRow, compute_rows, listing_markets, stored_rows
from .models import Product


@dataclass(frozen=True)
class Drift:
    market_code: str
    product_id: str
    stored: dict | None
    live: dict | None


def check_freshness(session: Session, sample: int = 200, today: date | None = None) -> tuple[int, list[Drift]]:
    """Compare the stored rows of up to ``sample`` products with the live rule; returns
    (products checked, rows that differ). The sample starts at a random product id, so each
    call looks at another stretch of the catalogue in one index range scan."""
    start = new_id("prd")
    ids = list(session.scalars(select(Product.id).where(Product.id >= start).order_by(Product.id).limit(sample)))
    if len(ids) < sample:
        ids += list(session.scalars(select(Product.id).where(Product.id < start).order_by(Product.id)
                                    .limit(sample - len(ids))))
    markets = listing_markets(session)
    stored = stored_rows(session, ids, [m.code for m in markets], lock=False)
    live = {(row.market_code, row.product_id): row for row in compute_rows(session, ids, markets, today)}
    drift = [Drift(key[0], key[1], _public(stored.get(key)), _public(live.get(key)))
             for key in sorted(set(stored) | set(live)) if stored.get(key) != live.get(key)]
    return len(ids), drift


def _public(row: ListingRow | None) -> dict | None:
    if row is None:
        return None
    values = asdict(row)
    values["listed_at"] = row.listed_at.isoformat()
    return values
