"""Catalog endpoints (placeholder until the handlers land)."""
from flask_smorest import Blueprint

seller = Blueprint("seller-catalog", __name__, url_prefix="/api/v1/seller", description="A seller's products")
admin = Blueprint("admin-catalog", __name__, url_prefix="/api/v1/admin", description="Catalog administration")
store = Blueprint("store-catalog", __name__, url_prefix="/api/v1/store", description="Storefront")
