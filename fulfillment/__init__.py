"""Fulfilment: warehouses, inventory and the stock ledger, shipping, carriers (SPEC §5).

May import ``shop`` and ``i18n``; the store reaches this package only through the
interfaces the app factory wires (``app.extensions["dari.inventory"]``, ``["dari.stock"]``).
"""
