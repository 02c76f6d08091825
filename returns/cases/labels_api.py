"""Endpoints of prepaid return labels: ops issue one, the buyer downloads it (on the return blueprints)."""
from __future__ import annotations

from flask import Response, current_app
from sqlalchemy.exc import IntegrityError

from fulfillment.carriers.registry import carrier_for
from shop.auth import BEARER, BEARER_OR_GUEST
from shop.core.api import idempotency_key, idempotency_key_parameter
from shop.core.db import db
from shop.orders.api import ORDER_TOKEN_PARAMETER

from . import labels, services
from .api import _order, _staff, admin, store
from .errors import ReturnLabelExists, ReturnNotFound
from .schemas import IssueLabelSchema, ReturnCaseSchema
from .views import case_view, label_words

_LABEL_KEY = idempotency_key_parameter("the same key answers the label the first request issued")


@admin.route("/returns/<case_id>/label", methods=["POST"])
@admin.arguments(IssueLabelSchema)
@admin.response(201, ReturnCaseSchema)
@admin.alt_response(200, schema=ReturnCaseSchema, description="the label this Idempotency-Key issued")
@admin.doc(security=BEARER, parameters=[_LABEL_KEY])
def issue_label(body, case_id):
    """Issue the prepaid return label of a return the seller or the mall pays; its cost goes to the bearer.

    The carrier is ``RETURN_LABEL_CARRIER`` (default ``korea_post``). One label per case:
    a second is 409 ``return_label_exists``; a return the buyer pays is 409 ``return_label_buyer_pays``.
    """
    staff = _staff()
    carrier = carrier_for(current_app.config["RETURN_LABEL_CARRIER"], current_app.config)
    try:
        case, created = labels.issue_label(db.session, case_id, carrier=carrier, cost_minor=body["cost_minor"],
                                           packages=body["packages"], words=label_words,
                                           idempotency_key=idempotency_key(), by=staff)
        db.session.commit()
    except IntegrityError:
        # A concurrent request issued the label first.
        db.session.rollback()
        raise ReturnLabelExists() from None
    return case_view(db.session, case, for_ops=True), 201 if created else 200


@store.route("/<order_id>/returns/<case_id>/label", methods=["GET"])
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER],
           responses={"200": {"description": "the prepaid return label", "content": {"application/pdf": {}}}})
def download_label(order_id, case_id):
    """The return's prepaid label as PDF, to print and stick on the parcel (404 ``return_label_not_found`` if none)."""
    order = _order()
    case = services.get_case(db.session, case_id)
    if case.order_id != order.id:
        raise ReturnNotFound()
    name, body = labels.label_pdf(db.session, case)
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
