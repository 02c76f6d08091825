from datetime import timedelta

from flask import current_app, request
from flask_smorest import Blueprint

from shop.db import db

from . import services
from .auth import BEARER, current_token, require_user
from .errors import InvalidCredentials
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
def create_token(data):
    """Exchange e-mail and password for an opaque bearer token."""
    config = current_app.config
    try:
        plain, token = services.authenticate(
            db.session, data["email"], data["password"],
            secret_key=config["SECRET_KEY"],
            token_ttl=timedelta(hours=config["TOKEN_TTL_HOURS"]),
            max_failures=config["LOGIN_MAX_FAILURES"],
            window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
            remote_addr=request.remote_addr,
        )
    except InvalidCredentials:
        db.session.commit()  # keep the failed attempt: it feeds the throttle
        raise
    db.session.commit()
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
