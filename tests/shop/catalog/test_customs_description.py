"""An active product must give customs papers English words: its en title, or each variant's description."""
from sqlalchemy import select

from shop.catalog.models import Product
from tests.shop.catalog.helpers import variant

BASE = "/api/v1/seller/products"
KO_ONLY = {"ko": {"title": "이천 백자 찻잔"}}


def _create(client, headers, variants, **extra):
    body = {"category": "household", "hs_code": "691200", "brand": "Test", "status": "active",
            "translations": KO_ONLY, "variants": variants, **extra}
    return client.post(BASE, json=body, headers=headers)


def test_a_korean_only_listing_without_customs_descriptions_is_refused(client, factory, db_session):
    _, owner = factory.seller()
    headers = {**factory.headers(owner), "Accept-Language": "ko"}
    bare = variant()
    bare.pop("customs_description")
    response = _create(client, headers, [bare])
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert bare["sku"] in response.json["errors"]["customs_description"][0]
    assert response.headers["Content-Language"] == "ko"
    assert db_session.scalar(select(Product.id).where(Product.brand == "Test")) is None


def test_a_customs_description_or_an_english_title_is_enough(client, factory):
    _, owner = factory.seller()
    headers = factory.headers(owner)
    described = _create(client, headers, [variant(customs_description="Porcelain tea cup")])
    assert described.status_code == 201, described.json
    assert described.json["variants"][0]["customs_description"] == "Porcelain tea cup"
    bare = variant()
    bare.pop("customs_description")
    english = _create(client, headers, [bare], translations={**KO_ONLY, "en": {"title": "White porcelain cup"}})
    assert english.status_code == 201, english.json
    draft = _create(client, headers, [bare | {"sku": bare["sku"] + "-D"}], status="draft")
    assert draft.status_code == 201, draft.json
