"""Endpoints of the repair round trip (ops) and of a seller's repair partners, on the return blueprints."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from shop.auth import BEARER, require_seller
from shop.core.api import idempotency_key
from shop.core.db import db
from shop.payments.api import REFUND_KEY_PARAMETER
from shop.payments.errors import RefundAlreadyRequested

from . import partners, repairs, services
from .api import _done, _staff, admin, seller
from .schemas import (
    RepairDoneSchema,
    RepairPartnerInSchema,
    RepairPartnerSchema,
    ReturnCaseSchema,
    ShipBackSchema,
    UnrepairableSchema,
)
from .views import case_view

# --- ops: the round trip ----------------------------------------------------------------------


@admin.route("/returns/<case_id>/repair/start", methods=["POST"])
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def start_repair(case_id):
    """The received item goes on the bench (``received`` → ``repairing``); due within the market's reasonable time."""
    _staff()
    return _done(repairs.start_repair(db.session, services.get_case(db.session, case_id, lock=True)))


@admin.route("/returns/<case_id>/repair/done", methods=["POST"])
@admin.arguments(RepairDoneSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def finish_repair(body, case_id):
    """The item is repaired (``repairing`` → ``repaired``); its cost is booked to the seller."""
    _staff()
    case = services.get_case(db.session, case_id, lock=True)
    return _done(repairs.finish_repair(db.session, case, repair_cost_minor=body["repair_cost_minor"]))


@admin.route("/returns/<case_id>/repair/unrepairable", methods=["POST"])
@admin.arguments(UnrepairableSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER, parameters=[REFUND_KEY_PARAMETER])
def unrepairable(body, case_id):
    """The item cannot be repaired: the claim ends in a replacement or a refund (once), in the law's order."""
    staff = _staff()
    try:
        case = repairs.declare_unrepairable(db.session, case_id, remedy=body["remedy"], by=staff,
                                            replacement_impossible=body["replacement_impossible"],
                                            idempotency_key=idempotency_key())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RefundAlreadyRequested() from None
    return case_view(db.session, case, for_ops=True)


@admin.route("/returns/<case_id>/ship-back", methods=["POST"])
@admin.arguments(ShipBackSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def ship_back(body, case_id):
    """Send the repaired item back as a zero-price parcel of the order (``repaired`` → ``shipped_back``);
    the claim closes when the parcel is delivered."""
    _staff()
    case = services.get_case(db.session, case_id, lock=True)
    return _done(repairs.ship_back(db.session, case, shipping_minor=body["shipping_minor"]))


# --- sellers: their repair partners -----------------------------------------------------------

@seller.route("/repair-partners", methods=["GET"])
@seller.response(200, RepairPartnerSchema(many=True))
@seller.doc(security=BEARER)
def list_partners():
    """The seller's repair partners (active ones)."""
    user = require_seller()
    return db.session.scalars(partners.seller_partners(user.seller_id)).all()


@seller.route("/repair-partners", methods=["POST"])
@seller.arguments(RepairPartnerInSchema)
@seller.response(201, RepairPartnerSchema)
@seller.doc(security=BEARER)
def add_partner(body):
    """Add a repair partner, for one category or (no category) for all the seller's goods."""
    user = require_seller()
    partner = partners.add_partner(db.session, user.seller_id, **body)
    db.session.commit()
    return partner


@seller.route("/repair-partners/<partner_id>", methods=["DELETE"])
@seller.response(204)
@seller.doc(security=BEARER)
def remove_partner(partner_id):
    """Stop sending repairs to a partner (claims already routed keep their address)."""
    user = require_seller()
    partners.remove_partner(db.session, user.seller_id, partner_id)
    db.session.commit()

