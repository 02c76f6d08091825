"""Return endpoints: the buyer's returns and claims, a seller's view, the ops queue and the policy evaluator."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import returns.policy as policy
from returns.policy import explain
from shop.auth import BEARER, BEARER_OR_GUEST, current_user, require_role, require_seller
from shop.core.api import ProblemSchema, idempotency_key, idempotency_key_parameter, page_schema, paginate
from shop.core.api_docs import load_examples
from shop.core.db import db
from shop.core.errors import CredentialInQuery
from shop.markets.services import get_market
from shop.orders import services as orders
from shop.orders.api import ORDER_TOKEN_HEADER, ORDER_TOKEN_PARAMETER
from shop.payments import refunds
from shop.payments.api import REFUND_KEY_PARAMETER
from shop.payments.errors import RefundAlreadyRequested

from . import costs, queues, refunding, resolutions, services
from .errors import DatesOutOfOrder, ReturnNotFound
from .models import ReturnCase
from .schemas import (
    CaseListArgsSchema,
    CostArgsSchema,
    CostListSchema,
    CountSchema,
    InspectSchema,
    OverrideSchema,
    RefundAuditSchema,
    RefundCaseSchema,
    ResolveSchema,
    ReturnCaseSchema,
    ReturnDecisionSchema,
    ReturnEvaluateSchema,
    ReturnOptionsSchema,
    ReturnRequestSchema,
    SellerCaseListArgsSchema,
    WarrantyClaimSchema,
    WarrantyDecisionSchema,
    WarrantyEvaluateSchema,
)
from .views import case_view

EXAMPLES = load_examples("returns.cases")  # from the demo data

store = Blueprint("store-returns", __name__, url_prefix="/api/v1/store/orders",
                  description="Returns and warranty claims on the buyer's orders")
seller = Blueprint("seller-returns", __name__, url_prefix="/api/v1/seller",
                   description="Returns and claims of the seller's goods (read only)")
admin = Blueprint("admin-returns", __name__, url_prefix="/api/v1/admin",
                  description="Return policy answers, the returns queue and the work on each case")
STAFF = ("ops", "admin")
_KEY_PARAMETER = idempotency_key_parameter("the same key returns the case the first request opened")


def _order():
    if "access_token" in request.args:
        raise CredentialInQuery(header=ORDER_TOKEN_HEADER)
    return orders.get_order_for(db.session, request.view_args["order_id"], user=current_user(),
                                token=request.headers.get(ORDER_TOKEN_HEADER))


def _open(order, **kwargs):
    try:
        case, created = services.open_case(db.session, order.id, idempotency_key=idempotency_key(),
                                           user_id=order.user_id, **kwargs)
        db.session.commit()
    except IntegrityError:
        # The same key from a concurrent request: that request's case is the answer.
        db.session.rollback()
        case = db.session.scalar(select(ReturnCase).where(
            ReturnCase.order_id == order.id, ReturnCase.idempotency_key == idempotency_key()))
        if case is None:
            raise
        return case_view(db.session, case), 200
    return case_view(db.session, case), 201 if created else 200


# --- the buyer ----------------------------------------------------------------------------

@store.route("/<order_id>/return-options", methods=["GET"])
@store.response(200, ReturnOptionsSchema)
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER])
def return_options(order_id):
    """Per delivered line: how many units can be returned, until when and on what terms, per reason."""
    order = _order()
    lines = []
    for option in services.return_options(db.session, order):
        line = option["line"]
        lines.append({"order_line_id": line.id, "sku": line.sku, "name": line.name, "delivered": option["delivered"],
                      "returnable": option["returnable"], "delivered_at": option["delivered_at"],
                      "reasons": {reason: {state: explain.return_view(d) for state, d in by_state.items()}
                                  for reason, by_state in option["decisions"].items()}})
    return {"order_id": order.id, "lines": lines}


@store.route("/<order_id>/returns", methods=["POST"])
@store.arguments(ReturnRequestSchema, example=EXAMPLES["return_request"])
@store.response(201, ReturnCaseSchema, example=EXAMPLES["case"])
@store.alt_response(200, schema=ReturnCaseSchema, description="The case an earlier request with this key opened")
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER, _KEY_PARAMETER])
def open_return(body, order_id):
    """Ask to return delivered units; decided at once: ``approved`` with instructions, or ``rejected`` with reasons."""
    order = _order()
    return _open(order, kind="return", lines=body["lines"], reason=body["reason"], opened=body["opened"],
                 note=body["note"], photos=body["photos"])


@store.route("/<order_id>/warranty-claims", methods=["POST"])
@store.arguments(WarrantyClaimSchema)
@store.response(201, ReturnCaseSchema)
@store.alt_response(200, schema=ReturnCaseSchema, description="The claim an earlier request with this key opened")
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER, _KEY_PARAMETER])
def open_claim(body, order_id):
    """Claim under the guarantee for a faulty item; decided at once with the remedies offered."""
    order = _order()
    return _open(order, kind="warranty", lines=[{"order_line_id": body["order_line_id"], "quantity": body["quantity"]}],
                 reason="defective", opened=True, note=body["description"], photos=body["photos"])


@store.route("/<order_id>/returns", methods=["GET"])
@store.response(200, ReturnCaseSchema(many=True))
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER])
def list_order_returns(order_id):
    """The order's returns and claims, newest first."""
    order = _order()
    cases = db.session.scalars(select(ReturnCase).where(
        ReturnCase.order_id == order.id).order_by(ReturnCase.requested_at.desc())).all()
    return [case_view(db.session, case) for case in cases]


def _own_case(order, case_id: str):
    case = services.get_case(db.session, case_id, lock=True)
    if case.order_id != order.id:
        raise ReturnNotFound()
    return case


@store.route("/<order_id>/returns/<case_id>/cancel", methods=["POST"])
@store.response(200, ReturnCaseSchema)
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER])
def cancel_return(order_id, case_id):
    """Withdraw a return before sending anything back."""
    case = services.cancel(db.session, _own_case(_order(), case_id))
    db.session.commit()
    return case_view(db.session, case)


@store.route("/<order_id>/returns/<case_id>/shipped", methods=["POST"])
@store.response(200, ReturnCaseSchema)
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER])
def return_shipped(order_id, case_id):
    """The buyer sent the parcel back (``approved`` → ``in_transit``)."""
    case = services.mark_in_transit(db.session, _own_case(_order(), case_id))
    db.session.commit()
    return case_view(db.session, case)


# --- sellers ------------------------------------------------------------------------------

@seller.route("/returns", methods=["GET"])
@seller.arguments(SellerCaseListArgsSchema, location="query")
@seller.response(200, page_schema(ReturnCaseSchema, "SellerReturnPage"))
@seller.doc(security=BEARER)
def seller_returns(args):
    """Returns and claims holding the seller's goods (other sellers' lines left out)."""
    user = require_seller()
    result = paginate(db.session, queues.seller_cases(user.seller_id, kind=args.get("kind")), args["page"],
                      args["per_page"])
    items = []
    for case in result["items"]:
        view = case_view(db.session, case)
        view["lines"] = [line for line in view["lines"] if line["seller_id"] == user.seller_id]
        items.append(view)
    return {**result, "items": items}


@seller.route("/returns/costs", methods=["GET"])
@seller.arguments(CostArgsSchema, location="query")
@seller.response(200, CostListSchema)
@seller.doc(security=BEARER)
def seller_costs(args):
    """The seller's return and claim costs per month, bearer and kind."""
    user = require_seller()
    rows = db.session.execute(costs.costs_query(seller_id=user.seller_id, month=args.get("month")))
    return {"items": [row._asdict() for row in rows]}


# --- ops ----------------------------------------------------------------------------------

def _staff() -> str:
    return require_role(*STAFF).id


def _zones(market, body) -> tuple[str, ...]:
    """The buyer's country's zones; without a country, every zone of the market's countries (the most generous)."""
    countries = [body["country"]] if body.get("country") else list(market.countries or ())
    return tuple(dict.fromkeys(zone for country in countries for zone in policy.days.zones_for(country)))


@admin.route("/return-policy/evaluate", methods=["POST"])
@admin.arguments(ReturnEvaluateSchema)
@admin.response(200, ReturnDecisionSchema)
@admin.doc(security=BEARER)
def evaluate_return(body):
    """Answer "can I still return this?" for any market, reason and dates, with the reasons and their sources."""
    _staff()
    stored = get_market(db.session, body["market"])
    market = policy.MarketRules.of(stored)
    seller_policy = policy.SellerPolicy(return_window_days=body["seller_policy_days"],
                                        pays_change_of_mind_shipping=body["seller_pays_return_shipping"],
                                        warranty_months=body["seller_warranty_months"])
    try:
        decision = policy.decide_return(market, seller_policy, category=body["category"], reason=body["reason"],
                                        opened=body["opened"], used=body["used"], quantity=body["quantity"],
                                        delivered_at=body["delivered_at"], requested_at=body["requested_at"],
                                        notice_given=body["exclusion_notice_given"], zones=_zones(stored, body))
    except ValueError as exc:
        raise DatesOutOfOrder("requested_at") from exc
    return explain.return_view(decision)


@admin.route("/warranty-policy/evaluate", methods=["POST"])
@admin.arguments(WarrantyEvaluateSchema)
@admin.response(200, WarrantyDecisionSchema)
@admin.doc(security=BEARER)
def evaluate_warranty(body):
    """Whether a warranty claim is within the guarantee, the period that applies and the remedies in order."""
    _staff()
    stored = get_market(db.session, body["market"])
    market = policy.MarketRules.of(stored)
    try:
        decision = policy.decide_warranty(market, policy.SellerPolicy(warranty_months=body["seller_warranty_months"]),
                                          category=body["category"], delivered_at=body["delivered_at"],
                                          claimed_at=body["claimed_at"], zones=_zones(stored, body))
    except ValueError as exc:
        raise DatesOutOfOrder("claimed_at") from exc
    return explain.warranty_view(decision)


def _case_list(kind: str, args):
    _staff()
    query = queues.ops_queue(kind=kind, status=args.get("status"), market=args.get("market"),
                               seller=args.get("seller"), due_before=args.get("due_before"))
    result = paginate(db.session, query, args["page"], args["per_page"])
    return {**result, "items": [case_view(db.session, case, for_ops=True) for case in result["items"]]}


@admin.route("/returns", methods=["GET"])
@admin.arguments(CaseListArgsSchema, location="query")
@admin.response(200, page_schema(ReturnCaseSchema, "AdminReturnPage"))
@admin.doc(security=BEARER)
def list_returns(args):
    """Returns by status, market, seller and refund deadline, the soonest deadline first (overdue flagged)."""
    return _case_list("return", args)


@admin.route("/warranty-claims", methods=["GET"])
@admin.arguments(CaseListArgsSchema, location="query")
@admin.response(200, page_schema(ReturnCaseSchema, "AdminWarrantyClaimPage"))
@admin.doc(security=BEARER)
def list_claims(args):
    """Warranty claims, like the returns queue."""
    return _case_list("warranty", args)


@admin.route("/returns/<case_id>", methods=["GET"])
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def get_return(case_id):
    """One return or warranty claim with its lines and decision (ops, admins)."""
    _staff()
    return case_view(db.session, services.get_case(db.session, case_id), for_ops=True)


def _done(case):
    db.session.commit()
    return case_view(db.session, case, for_ops=True)


@admin.route("/returns/<case_id>/decision", methods=["POST"])
@admin.arguments(OverrideSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def override_decision(body, case_id):
    """Approve or reject against the engine's answer; who and why are recorded."""
    staff = _staff()
    case = services.get_case(db.session, case_id, lock=True)
    return _done(services.override(db.session, case, approve=body["approve"], by=staff, why=body["reason"]))


@admin.route("/returns/<case_id>/receive", methods=["POST"])
@admin.arguments(CountSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def receive_return(body, case_id):
    """The parcel arrived: the units counted per return line (what the refund will count)."""
    _staff()
    case = services.get_case(db.session, case_id, lock=True)
    return _done(services.receive(db.session, case, body["lines"],
                                  return_shipping_minor=body["return_shipping_minor"]))


@admin.route("/returns/<case_id>/inspect", methods=["POST"])
@admin.arguments(InspectSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def inspect_return(body, case_id):
    """Resellable units per return line go back on hand; the rest are written off."""
    staff = _staff()
    case = services.get_case(db.session, case_id, lock=True)
    return _done(services.inspect(db.session, case, body["resellable"], actor=staff))


@admin.route("/returns/<case_id>/refund", methods=["POST"])
@admin.arguments(RefundCaseSchema)
@admin.response(200, ReturnCaseSchema)
@admin.alt_response(409, schema=ProblemSchema, content_type="application/problem+json",
                    description="``refund_already_requested``: the case's refund is decided (``refunding`` or "
                    "``refunded``); ``invalid_return_transition``: not inspected (or, without return, not approved)")
@admin.doc(security=BEARER, parameters=[REFUND_KEY_PARAMETER])
def refund_return(body, case_id):
    """Refund the units received (after inspection), or without the goods back when they are worth too little.

    Once per case: the case moves to ``refunding`` with its refund, and ``refunded`` when the
    provider confirms. A repeat with the same ``Idempotency-Key`` answers the case as it stands.
    """
    staff = _staff()
    key = idempotency_key()
    try:
        case = refunding.refund_case(db.session, case_id, by=staff, without_return=body["without_return"],
                                     idempotency_key=key)
        db.session.commit()
    except IntegrityError:
        # The partial unique index of a case's refund, or its key, refused a concurrent twin.
        db.session.rollback()
        raise RefundAlreadyRequested() from None
    return case_view(db.session, case, for_ops=True)


@admin.route("/returns/refund-audit", methods=["GET"])
@admin.response(200, RefundAuditSchema)
@admin.doc(security=BEARER)
def refund_audit():
    """Payments refunded beyond their capture and cases paid more than once or beyond their amount (both empty
    when all is well)."""
    _staff()
    return {"payments": refunds.check_refunds(db.session), "cases": refunding.check_case_refunds(db.session)}


@admin.route("/returns/<case_id>/exchange", methods=["POST"])
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def exchange_return(case_id):
    """Ship the sizes or colours asked for, for the units received and inspected; the case closes unrefunded."""
    staff = _staff()
    return _done(resolutions.exchange(db.session, services.get_case(db.session, case_id, lock=True), by=staff))


@admin.route("/returns/<case_id>/resolve", methods=["POST"])
@admin.arguments(ResolveSchema)
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def resolve_claim(body, case_id):
    """Choose the remedy of a warranty claim (one the decision offers)."""
    staff = _staff()
    case = services.get_case(db.session, case_id, lock=True)
    return _done(resolutions.resolve_warranty(db.session, case, body["remedy"], by=staff))


@admin.route("/returns/<case_id>/close", methods=["POST"])
@admin.response(200, ReturnCaseSchema)
@admin.doc(security=BEARER)
def close_return(case_id):
    """Close a return or claim (``closed``); a case whose state does not allow it is a 409."""
    _staff()
    return _done(services.close(db.session, services.get_case(db.session, case_id, lock=True)))


@admin.route("/returns/costs", methods=["GET"])
@admin.arguments(CostArgsSchema, location="query")
@admin.response(200, CostListSchema)
@admin.doc(security=BEARER)
def all_costs(args):
    """Return and claim costs per seller and month, by bearer (seller or mall) and kind."""
    _staff()
    rows = db.session.execute(costs.costs_query(seller_id=args.get("seller"), month=args.get("month")))
    return {"items": [row._asdict() for row in rows]}
