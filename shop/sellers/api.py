from flask_smorest import Blueprint
from sqlalchemy import select

from shop.accounts.auth import BEARER, require_role
from shop.accounts.schemas import UserSchema
from shop.core.api import page_schema, paginate
from shop.core.db import db
from shop.core.errors import Forbidden

from . import services
from .access import require_seller
from .models import Seller
from .schemas import (
    AdminSellerUpdateSchema,
    MemberListSchema,
    SellerApplicationSchema,
    SellerApplySchema,
    SellerListArgsSchema,
    SellerProfileUpdateSchema,
    SellerSchema,
    SellerStatusChangeSchema,
    StaffCreateSchema,
)

public = Blueprint("sellers", __name__, url_prefix="/api/v1/sellers", description="Seller onboarding")
seller = Blueprint("seller-profile", __name__, url_prefix="/api/v1/seller", description="A seller's own profile")
admin = Blueprint("admin-sellers", __name__, url_prefix="/api/v1/admin/sellers", description="Seller approval")


@public.route("/apply", methods=["POST"])
@public.arguments(SellerApplySchema)
@public.response(201, SellerApplicationSchema)
def apply(data):
    """Apply as a seller: the company and its first (owner) user. The seller starts ``pending``."""
    new_seller, owner = services.apply_seller(db.session, **data)
    db.session.commit()
    return {"seller": new_seller, "owner": owner}


@seller.route("/profile", methods=["GET"])
@seller.response(200, SellerSchema)
@seller.doc(security=BEARER)
def get_profile():
    """The signed-in seller's own company profile."""
    return services.get_seller(db.session, require_seller().seller_id)


@seller.route("/profile", methods=["PATCH"])
@seller.arguments(SellerProfileUpdateSchema)
@seller.response(200, SellerSchema)
@seller.doc(security=BEARER)
def update_profile(data):
    """Change the profile; only the owner may change it."""
    user = _require_owner()
    result = services.update_profile(db.session, services.get_seller(db.session, user.seller_id), data)
    db.session.commit()
    return result


def _require_owner():
    user = require_seller()
    if user.seller_role != "owner":
        raise Forbidden()
    return user


@seller.route("/members", methods=["GET"])
@seller.response(200, MemberListSchema)
@seller.doc(security=BEARER)
def list_members():
    """The seller's accounts (owner and staff)."""
    user = require_seller()
    return {"items": services.list_members(db.session, services.get_seller(db.session, user.seller_id))}


@seller.route("/members", methods=["POST"])
@seller.arguments(StaffCreateSchema)
@seller.response(201, UserSchema)
@seller.doc(security=BEARER)
def add_member(data):
    """Add a staff account (owner only). Staff manage products and stock but not the profile."""
    user = _require_owner()
    member = services.add_staff(db.session, services.get_seller(db.session, user.seller_id), **data)
    db.session.commit()
    return member


@admin.route("", methods=["GET"])
@admin.arguments(SellerListArgsSchema, location="query")
@admin.response(200, page_schema(SellerSchema, "SellerPage"))
@admin.doc(security=BEARER)
def list_sellers(args):
    """Sellers, filtered by status (ops and admins)."""
    require_role("ops", "admin")
    query = select(Seller).order_by(Seller.created_at.desc(), Seller.id)
    if args.get("status"):
        query = query.where(Seller.status == args["status"])
    return paginate(db.session, query, args["page"], args["per_page"])


@admin.route("/<seller_id>", methods=["GET"])
@admin.response(200, SellerSchema)
@admin.doc(security=BEARER)
def get_seller(seller_id):
    """One seller with its status and terms (ops, admins)."""
    require_role("ops", "admin")
    return services.get_seller(db.session, seller_id)


@admin.route("/<seller_id>", methods=["PATCH"])
@admin.arguments(AdminSellerUpdateSchema)
@admin.response(200, SellerSchema)
@admin.doc(security=BEARER)
def update_seller(data, seller_id):
    """Admin-only terms such as the mall buying the seller's goods outright."""
    require_role("admin")
    target = services.get_seller(db.session, seller_id)
    for key, value in data.items():
        setattr(target, key, value)
    db.session.commit()
    return target


def _status_view(action):
    @admin.arguments(SellerStatusChangeSchema)
    @admin.response(200, SellerSchema)
    @admin.doc(security=BEARER)
    def view(data, seller_id):
        require_role("admin")
        result = services.change_status(db.session, seller_id, action, data.get("reason"))
        db.session.commit()
        return result

    view.__name__ = f"{action}_seller"
    view.__doc__ = f"{action.capitalize()} a seller (admins)."
    return view


admin.route("/<seller_id>/approve", methods=["POST"])(_status_view("approve"))
admin.route("/<seller_id>/suspend", methods=["POST"])(_status_view("suspend"))
