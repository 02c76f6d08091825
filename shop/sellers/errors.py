from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, Forbidden, unique_conflict


class InvalidBusinessNumber(DomainError):
    code = "invalid_business_number"
    status = 422
    title = _l("The business registration number is not valid.")

    def __init__(self):
        super().__init__(errors={"business_number": [_l("The check digit does not match; check the number.")]})


@unique_conflict("sellers", "business_number")
class BusinessNumberTaken(Conflict):
    code = "business_number_taken"
    title = _l("A seller with this business registration number already exists.")


class InvalidSellerTransition(Conflict):
    code = "invalid_seller_transition"
    title = _l("The seller cannot move to this status.")
    detail = _l("A %(current)s seller cannot become %(target)s.")


class SellerSuspended(Forbidden):
    code = "seller_suspended"
    title = _l("This seller account is suspended.")
    detail = _l("A suspended seller can read its data but change nothing. Contact Dari operations.")
