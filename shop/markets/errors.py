from flask_babel import lazy_gettext as _l

from shop.core.errors import DomainError


class UnknownMarket(DomainError):
    code = "unknown_market"
    status = 422
    title = _l("This market does not exist.")
    detail = _l("There is no market %(market)s. The markets are: %(markets)s.")

    def extra(self) -> dict:
        return {"markets": self.params.get("markets", "").split(", ") if self.params.get("markets") else []}
