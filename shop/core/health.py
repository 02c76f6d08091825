from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from shop.core.db import db
from shop.core.jobs.redis import redis_reachable

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Database and Redis reachability; 503 when either is down."""
    try:
        db.session.execute(text("SELECT 1"))
        database = True
    except Exception:  # noqa: BLE001
        database = False
    finally:
        db.session.rollback()
    redis_ok = redis_reachable(current_app)
    ok = database and redis_ok
    body = {"status": "ok" if ok else "unavailable", "database": "ok" if database else "down",
            "redis": "ok" if redis_ok else "down"}
    return jsonify(body), 200 if ok else 503
