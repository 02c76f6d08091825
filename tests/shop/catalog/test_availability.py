from datetime import date, timedelta

import pytest

from shop.catalog.availability import product_availability
from shop.catalog.errors import NotPurchasable
from shop.catalog.services import get_variant_for_market
from shop.sellers.services import change_status
from tests.shop.catalog.helpers import certify, make_product, variant


class FakeStock:
    def __init__(self, levels, threshold=3):
        self.levels, self.threshold = levels, threshold

    def available_by_variant(self, session, variant_ids, market_code):
        return {vid: self.levels.get((vid, market_code), 0) for vid in variant_ids}

    def low_stock_threshold(self, variant):
        return self.threshold


def _codes(result, market):
    return [r.code for r in result[market]]


def test_cosmetic_without_nmpa_is_blocked_in_cn(db_session, factory, client):
    seller, owner = factory.seller()
    product = make_product(db_session, seller, category="cosmetics")
    result = product_availability(db_session, product, ["CN", "US", "TW"])
    assert _codes(result, "CN") == ["missing_certificate"]
    assert result["CN"][0].params == {"category": "cosmetics", "certificate": "NMPA", "certificate_name":
                                      "NMPA filing (ordinary cosmetics) or registration (special-use cosmetics)"}
    # MoCRA is due after the first sale and TW's TFDA entry is unverified: neither blocks
    assert result["US"] == [] and result["TW"] == []
    body = client.get(f"/api/v1/seller/products/{product.id}/availability?lang=en",
                      headers=factory.headers(owner)).json
    cn = next(m for m in body["markets"] if m["market"] == "CN")
    assert cn["purchasable"] is False
    assert cn["reasons"][0]["message"] == ("CN: cosmetics need a verified NMPA certificate "
                                           "(NMPA filing (ordinary cosmetics) or registration (special-use cosmetics))")
    ko = client.get(f"/api/v1/seller/products/{product.id}/availability?lang=ko", headers=factory.headers(owner)).json
    ko_cn = next(m for m in ko["markets"] if m["market"] == "CN")["reasons"][0]
    # the particle settled (never "화장품은(는)"), the certificate named in Korean from the market data
    assert ko_cn["message"].startswith("CN: 화장품은 검증된 NMPA 인증이 필요합니다 (")
    assert ko_cn["certificate_name"] != cn["reasons"][0]["certificate_name"]
    assert ko_cn["certificate_name"] in ko_cn["message"]


def test_only_verified_unexpired_certificates_count(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, category="cosmetics")
    certify(db_session, product, "NMPA", "CN", status="pending")
    certify(db_session, product, "NMPA", "CN", status="rejected")
    certify(db_session, product, "NMPA", "CN", valid_until=date.today() - timedelta(days=1))
    certify(db_session, product, "NMPA", "CN", valid_from=date.today() + timedelta(days=5))
    certify(db_session, product, "NMPA", "EU")  # wrong market
    assert _codes(product_availability(db_session, product, ["CN"]), "CN") == ["missing_certificate"]
    certify(db_session, product, "NMPA", "CN", valid_until=date.today() + timedelta(days=30))
    assert product_availability(db_session, product, ["CN"])["CN"] == []


def test_business_certificate_covers_all_products_product_certificate_does_not(db_session, factory):
    seller, _ = factory.seller()
    first = make_product(db_session, seller, category="cosmetics")
    second = make_product(db_session, seller, category="cosmetics")
    certify(db_session, first, "JP_COSMETICS_LICENCE", "JP", business=True)
    assert product_availability(db_session, second, ["JP"])["JP"] == []
    certify(db_session, first, "NMPA", "CN", business=True)  # NMPA is per product: a seller-wide record is not enough
    assert _codes(product_availability(db_session, second, ["CN"]), "CN") == ["missing_certificate"]


def test_electronics_need_every_listed_certificate(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, category="electronics")
    assert [r.params["certificate"] for r in product_availability(db_session, product, ["EU"])["EU"]] == ["CE", "GPSR"]
    certify(db_session, product, "CE", "EU")
    certify(db_session, product, "GPSR", "EU", business=True)
    assert product_availability(db_session, product, ["EU"])["EU"] == []


def test_missing_text_draft_and_unapproved_seller(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, locales=("ko",), status="draft")
    result = product_availability(db_session, product, ["EU", "JP"])
    assert _codes(result, "EU") == ["product_not_active", "missing_translation"]
    assert result["EU"][1].params == {"locales": ["en", "de", "fr"]}
    change_status(db_session, seller.id, "suspend")
    assert "seller_not_approved" in _codes(product_availability(db_session, product, ["JP"]), "JP")


def test_no_stock_is_a_reason_once_inventory_is_wired(db_session, factory, app, monkeypatch):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, variants=[variant(), variant()])
    first, second = product.variants
    monkeypatch.setitem(app.extensions, "dari.stock", FakeStock({(second.id, "US"): 4}))
    result = product_availability(db_session, product, ["JP", "US"])
    assert _codes(result, "JP") == ["no_stock"] and result["US"] == []
    assert result["JP"][0].text == "JP: no stock"
    assert get_variant_for_market(db_session, second.id, "US") is second
    with pytest.raises(NotPurchasable) as info:
        get_variant_for_market(db_session, first.id, "US")
    assert [r.code for r in info.value.reasons] == ["no_stock"]


def test_without_a_stock_provider_stock_is_unknown_and_in_stock(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    assert product_availability(db_session, product, ["JP"])["JP"] == []


def test_get_variant_for_market_reports_every_reason(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, category="cosmetics", status="draft")
    with pytest.raises(NotPurchasable) as info:
        get_variant_for_market(db_session, product.variants[0].id, "CN")
    assert info.value.code == "not_purchasable" and info.value.status == 409
    assert [r.code for r in info.value.reasons] == ["product_not_active", "missing_certificate"]
    assert info.value.extra()["reasons"][1]["certificate"] == "NMPA"
