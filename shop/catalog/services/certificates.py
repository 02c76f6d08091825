"""Certificates: sellers record them, ops verify or reject them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.core.db import utcnow
from shop.core.errors import NotFound
from shop.markets.services import get_market, load_bundled

from ..errors import InvalidCertificateTransition
from ..models import Certificate, Product

FIELDS = ("type", "number", "valid_from", "valid_until", "document_url", "product_id")
# KC is the Korean safety mark some markets accept as supporting evidence; the rest are the data file's.
EXTRA_TYPES = ("KC", "FDA")


def certificate_types() -> list[str]:
    return sorted(set(load_bundled().get("certificate_types", {})) | set(EXTRA_TYPES))


def get_certificate(session: Session, certificate_id: str, *, seller_id: str | None) -> Certificate:
    """The certificate; another seller's is ``NotFound`` (existence is not leaked)."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None or (seller_id is not None and certificate.seller_id != seller_id):
        raise NotFound()
    return certificate


def list_certificates(seller_id: str | None, *, status: str | None = None, product_id: str | None = None,
                      market: str | None = None):
    query = select(Certificate)
    if seller_id is not None:
        query = query.where(Certificate.seller_id == seller_id)
    if status:
        query = query.where(Certificate.status == status)
    if product_id:
        query = query.where(Certificate.product_id == product_id)
    if market:
        query = query.where(Certificate.market_code == market.upper())
    return query.order_by(Certificate.created_at.desc(), Certificate.id)


def _check_product(session: Session, seller_id: str, product_id: str | None) -> None:
    if product_id is None:
        return
    product = session.get(Product, product_id)
    if product is None or product.seller_id != seller_id:
        raise NotFound()


def add_certificate(session: Session, seller_id: str, data: dict) -> Certificate:
    """Record a certificate (``pending`` until ops verify it). Raises ``UnknownMarket``, ``NotFound``."""
    market = get_market(session, data["market"])
    _check_product(session, seller_id, data.get("product_id"))
    certificate = Certificate(seller_id=seller_id, market_code=market.code, status="pending",
                              **{k: data[k] for k in FIELDS if k in data})
    session.add(certificate)
    session.flush()
    return certificate


def update_certificate(session: Session, certificate: Certificate, changes: dict) -> Certificate:
    """Change a certificate; any change sends it back to ``pending`` review."""
    if "market" in changes:
        certificate.market_code = get_market(session, changes["market"]).code
    if "product_id" in changes:
        _check_product(session, certificate.seller_id, changes["product_id"])
    for key in FIELDS:
        if key in changes:
            setattr(certificate, key, changes[key])
    certificate.status = "pending"
    certificate.reviewed_at = None
    certificate.reviewed_by = None
    session.flush()
    return certificate


def review_certificate(session: Session, certificate_id: str, decision: str, *, reviewer_id: str,
                       note: str | None = None) -> Certificate:
    """Ops mark a certificate ``verified`` or ``rejected``.

    Raises ``InvalidCertificateTransition`` when it already has that status.
    """
    # Locked, so that of two reviewers deciding at once the second sees the first's decision.
    certificate = session.scalar(select(Certificate).where(Certificate.id == certificate_id)
                                 .with_for_update().execution_options(populate_existing=True))
    if certificate is None:
        raise NotFound()
    if certificate.status == decision:
        raise InvalidCertificateTransition(current=certificate.status, target=decision)
    certificate.status = decision
    certificate.review_note = note
    certificate.reviewed_by = reviewer_id
    certificate.reviewed_at = utcnow()
    session.flush()
    return certificate
