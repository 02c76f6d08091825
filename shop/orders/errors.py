from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict


class InvalidOrderTransition(Conflict):
    code = "invalid_order_transition"
    title = _l("The order cannot change to this status.")
    detail = _l("A %(current)s order cannot become %(target)s.")
