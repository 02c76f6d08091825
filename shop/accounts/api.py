from datetime import timedelta

from flask import current_app, request
from flask_smorest import Blueprint

from shop.core.api_docs import raises
from shop.core.db import UnitOfWork, db

from . import services
from .auth import BEARER, current_token, require_user
from .schemas import RegisterSchema, TokenRequestSchema, TokenSchema, UserSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and tokens")


@blp.route("/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
def register(data):
    """Create a customer account."""
    user = services.create_user(db.session, data["email"], data["password"], name=data.get("name"),
                                locale=data.get("locale"))
    db.session.commit()
    return user


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@raises(429)
def create_token(data):
    """Exchange e-mail and password for an opaque bearer token.

    Failed sign-ins are throttled per client address and per account (429
    ``too_many_login_attempts`` with ``Retry-After``); see ``services.authenticate``.
    """
    config = current_app.config
    with UnitOfWork(db.session) as uow:
        plain, token = services.authenticate(
            uow, data["email"], data["password"],
            secret_key=config["SECRET_KEY"],
            token_ttl=timedelta(hours=config["TOKEN_TTL_HOURS"]),
            limits=services.LoginLimits.from_config(config),
            remote_addr=request.remote_addr,
        )
        uow.commit()
    return {"access_token": plain, "token_type": "Bearer", "expires_at": token.expires_at, "user": token.user}


@blp.route("/token", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def revoke_token():
    """Revoke the token used for this request."""
    require_user()
    services.revoke_token(db.session, current_token())
    db.session.commit()


@blp.route("/me", methods=["GET"])
@blp.response(200, UserSchema)
@blp.doc(security=BEARER)
def me():
    """The signed-in user."""
    return require_user()
