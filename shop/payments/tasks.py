"""Payment jobs."""
from __future__ import annotations

from .services import gateway


def cancel_intent(intent_id: str) -> str:
    """Cancel a PaymentIntent at Stripe (no-op when it already succeeded or was canceled)."""
    return gateway().cancel_payment_intent(intent_id).status
