"""When a case is overdue: the one rule the case views and the periodic flags read."""
from __future__ import annotations

from datetime import date

from shop.core.db import utcnow

from .models import ReturnCase

# The one overdue rule, read by the case views (``is_overdue``) and the periodic flag (``refund_overdue``).
# A refund is late once its deadline passed while the refund is owed: the buyer has sent the goods (a
# trader may wait for the goods or proof they were sent, EU 2011/83 Art. 13(3), no longer) or they are
# back. A case still ``approved`` is waiting for the buyer. A repair is late past the market's reasonable
# time while the item is with the repairer (``repairs.settle_repairs`` flags those).
REFUND_OWED = ("in_transit", "received", "inspected", "refunding")
REPAIR_UNDER_WAY = ("received", "repairing")


def refund_overdue(today: date):
    """The SQL condition of ``is_overdue`` for a refund."""
    return (ReturnCase.refund_due_on < today) & ReturnCase.status.in_(REFUND_OWED)


def is_overdue(case: ReturnCase, today: date | None = None) -> bool:
    today = today or utcnow().date()
    if case.repair_due_on and case.status in REPAIR_UNDER_WAY:
        return case.repair_due_on < today  # a repair taking longer than the market's reasonable time
    return bool(case.refund_due_on and case.refund_due_on < today and case.status in REFUND_OWED)


