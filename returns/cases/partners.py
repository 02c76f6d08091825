"""A seller's repair partners: where its goods under a warranty repair go (``routing.service_address``).

Every query is scoped to the seller asking: another seller's partner is "not found".
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import RepairPartnerNotFound
from .models import RepairPartner


def seller_partners(seller_id: str):
    """The seller's active partners, by category (every-category last), then name."""
    return (select(RepairPartner).where(RepairPartner.seller_id == seller_id, RepairPartner.active.is_(True))
            .order_by(RepairPartner.category.is_(None), RepairPartner.category, RepairPartner.name, RepairPartner.id))


def add_partner(session: Session, seller_id: str, *, name: str, address: dict, category: str | None = None
                ) -> RepairPartner:
    """A new active partner of the seller (flushed; the caller commits)."""
    partner = RepairPartner(seller_id=seller_id, name=name, category=category,
                            address={key: value for key, value in address.items() if value is not None}, active=True)
    session.add(partner)
    session.flush()
    return partner


def remove_partner(session: Session, seller_id: str, partner_id: str) -> RepairPartner:
    """Deactivate the seller's partner (kept for the claims that name it); ``RepairPartnerNotFound`` if not its."""
    partner = session.scalar(select(RepairPartner).where(RepairPartner.id == partner_id,
                                                         RepairPartner.seller_id == seller_id,
                                                         RepairPartner.active.is_(True)).with_for_update())
    if partner is None:
        raise RepairPartnerNotFound()
    partner.active = False
    session.flush()
    return partner
