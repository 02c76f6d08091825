"""Catalog endpoints: the seller's products and certificates, ops/admin tools, the storefront."""
from flask_smorest import Blueprint

seller = Blueprint("seller-catalog", __name__, url_prefix="/api/v1/seller",
                   description="A seller's products, variants, translations and certificates")
admin = Blueprint("admin-catalog", __name__, url_prefix="/api/v1/admin",
                  description="Certificate review, exchange rates, collections")
store = Blueprint("store-catalog", __name__, url_prefix="/api/v1/store",
                  description="Storefront: products and collections per market")

from . import admin_views, seller_views, store_views  # noqa: E402,F401  (routes register on import)
