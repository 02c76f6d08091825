"""Fulfilment: warehouses, inventory and the stock ledger, shipping, carriers (SPEC §5).

May import ``shop`` and ``i18n``; the store reaches this package only through the seams
its packages provide from ``init_app`` (``shop.orders.inventory.INVENTORY``,
``shop.catalog.stock.STOCK``, ``shop.checkout.shipping.SHIPPING``) and reacts to orders
through ``shop.orders.events``.
"""
