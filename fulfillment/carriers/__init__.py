"""Carriers behind one interface: a pure library (no routes, no tables, no ``init_app``).

``base`` declares the contract the shipments package calls — ``Carrier`` (book, cancel,
fetch events, tracking link, tracking-number rules) and ``TrackingWebhook`` (verify and
read a tracking provider's webhook) — with the typed values that cross it and the
``CarrierError`` family. ``registry`` picks the implementation for a carrier code from the
app's configuration (``carrier_for``, ``webhook_for``, ``webhook_secret``).

Implementations, one module per outside system:

- ``manual``: no outside service; staff book at the counter and type the tracking number
  in. Tracking links and number formats come from ``data/carriers.json``.
- ``aftership``: AfterShip's tracking-update webhook (HMAC-signed), its tags mapped to our
  events by ``data/aftership_tags.json``.

Adding a real carrier API is one new module implementing ``Carrier`` plus one line in
``registry.ADAPTERS``. Nothing here reads Flask or the database; messages are English
(the shipments package maps the errors to translated problem documents).
"""
