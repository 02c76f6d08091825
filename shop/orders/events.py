"""The store's event catalogue: how later packages (fulfilment, returns, insights) react to orders
and their money.

Six named blinker signals, each sent by the service that makes the change (the order
services, ``shop.orders.services``; the refund writer, ``shop.payments.refunds``), inside that
change's transaction, once the row has its new status. Every handler receives the app as the
sender and keyword arguments ``session`` (the transaction's session) and ``order``:

=================  ==========================================  ============================
event              when                                        extra keyword arguments
=================  ==========================================  ============================
``order_paid``     ``pending_payment`` → ``paid``; its stock   —
                   is allocated
``order_canceled`` → ``canceled``; its stock is released       ``reason`` (``expired`` …)
``order_shipped``  → ``partially_shipped`` or ``shipped``      ``partial`` (bool)
``order_delivered`` → ``delivered``; ``delivered_at`` is set   ``at`` (aware datetime)
``order_completed`` → ``completed``                            —
``refund_settled`` one of the order's refunds succeeded or      ``refund`` (its ``status``:
                   failed at the provider                      ``succeeded`` or ``failed``)
=================  ==========================================  ============================

Readers today: ``order_paid`` (fulfilment creates the shipments; orders send the
confirmation), ``order_canceled`` (fulfilment cancels shipments; checkout reopens the cart),
``refund_settled`` (returns settle the case refunded). ``order_shipped``, ``order_delivered`` and
``order_completed`` have no reader yet: review requests and seller insights are to read them.

The guarantee and its rules for handlers:

* Handlers run synchronously, in the sender's transaction: whatever a handler writes
  commits or rolls back with the change itself. A handler that raises aborts the change.
* A handler that does *work* — e-mail, a carrier, a refund, anything over a network —
  never does it inline: it defers a job through the outbox (``shop.core.jobs.outbox.defer``,
  with a ``dedupe_key`` derived from the order), so the work runs only once the
  transaction has committed, never for one that rolled back, and survives a crash.
* Handlers connect per app, from their package's ``init_app`` (``subscribe``): an app
  without the package does not run its handlers.
"""
from __future__ import annotations

from typing import Callable

from blinker import Namespace
from flask import Flask, current_app

_signals = Namespace()

order_paid = _signals.signal("order-paid", doc="The order is paid and its stock allocated.")
order_canceled = _signals.signal("order-canceled", doc="The order is canceled and its stock released (reason=).")
order_shipped = _signals.signal("order-shipped", doc="Some (partial=True) or all of the order left the warehouse.")
order_delivered = _signals.signal("order-delivered", doc="The order was delivered (at=); return windows start.")
order_completed = _signals.signal("order-completed", doc="The order is completed.")
refund_settled = _signals.signal("refund-settled", doc="A refund of the order succeeded or failed (refund=).")

EVENTS = {signal.name: signal for signal in (order_paid, order_canceled, order_shipped, order_delivered,
                                             order_completed, refund_settled)}


def subscribe(app: Flask, event, handler: Callable) -> None:
    """Run ``handler(app, session=…, order=…, **extra)`` on ``event`` for this app only."""
    event.connect(handler, sender=app, weak=False)


def emit(event, session, order, **extra) -> None:
    """Send ``event`` for ``order`` to the current app's subscribers (order services only)."""
    event.send(current_app._get_current_object(), session=session, order=order, **extra)
