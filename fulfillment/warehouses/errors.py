from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, NotFound, unique_conflict


class WarehouseNotFound(NotFound):
    """The warehouse in the URL does not exist (or is not visible to the caller)."""

    code = "warehouse_not_found"
    title = _l("This warehouse does not exist.")


class UnknownWarehouse(DomainError):
    """A request body names a warehouse that does not exist, is inactive or is not usable here."""

    code = "unknown_warehouse"
    status = 422
    title = _l("This warehouse does not exist or cannot be used.")

    def __init__(self, field: str = "warehouse_id"):
        super().__init__(errors={field: [_l("Unknown, inactive or unavailable warehouse.")]})


class InvalidWarehouse(DomainError):
    """The kind, country, market and owner of a warehouse do not fit together."""

    code = "invalid_warehouse"
    status = 422
    title = _l("The warehouse settings are not consistent.")


@unique_conflict("warehouses", "code")
class WarehouseCodeTaken(Conflict):
    code = "warehouse_code_taken"
    title = _l("A warehouse with this code already exists.")


class WarehouseInUse(Conflict):
    """A warehouse that has held stock keeps its history; deactivate it instead."""

    code = "warehouse_in_use"
    title = _l("This warehouse has stock history and cannot be deleted; deactivate it instead.")
