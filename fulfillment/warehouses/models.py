from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.db import Timestamped, db, id_column

# Order matters: it is the preference when stock is drawn (SPEC §5), after the
# destination market's own overseas centre.
WAREHOUSE_KINDS = ("overseas", "consolidation", "seller")
HOME_COUNTRY = "KR"


class Warehouse(Timestamped, db.Model):
    """A place that holds stock.

    Korean warehouses (``consolidation``, a seller's own ``seller``) ship to every
    market and have no ``market_code``; an ``overseas`` fulfilment centre serves the
    one market it stands in. A ``seller`` warehouse belongs to one seller and holds
    only that seller's goods.
    """

    __tablename__ = "warehouses"

    id: Mapped[str] = id_column("wh")
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[dict] = mapped_column(JSON, default=dict)
    market_code: Mapped[str | None] = mapped_column(ForeignKey("markets.code"), index=True)
    seller_id: Mapped[str | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        CheckConstraint("kind IN ('overseas', 'consolidation', 'seller')", name="kind"),
        CheckConstraint(
            "(kind = 'overseas' AND market_code IS NOT NULL AND country <> 'KR')"
            " OR (kind <> 'overseas' AND market_code IS NULL AND country = 'KR')",
            name="markets_served"),
        CheckConstraint("(kind = 'seller' AND seller_id IS NOT NULL) OR (kind <> 'seller' AND seller_id IS NULL)",
                        name="seller_owner"),
    )

    @property
    def serves_every_market(self) -> bool:
        return self.market_code is None

    def serves(self, market_code: str) -> bool:
        return self.active and (self.market_code is None or self.market_code == market_code)
