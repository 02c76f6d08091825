from sqlalchemy import func, select

from i18n import LOCALES
from shop.accounts.demo import seed_accounts
from shop.catalog.availability import product_availability
from shop.catalog.demo import seed_catalog
from shop.catalog.models import Product, ProductTranslation
from shop.markets.demo import seed_markets
from shop.sellers.demo import seed_sellers
from shop.sellers.models import Seller
from tests.shop.catalog.helpers import make_product

ADMIN = "/api/v1/admin/collections"


def test_admin_collection_crud(client, factory, db_session):
    seller, owner = factory.seller()
    first, second = make_product(db_session, seller), make_product(db_session, seller)
    admin = factory.headers(factory.user("admin"))
    created = client.post(ADMIN, headers=admin, json={"slug": "k-culture", "titles": {"en": "K-Culture",
                                                                                      "ko": "K-컬처 특별관"},
                                                      "product_ids": [second.id, first.id]})
    assert created.status_code == 201, created.json
    assert created.json["product_ids"] == [second.id, first.id]
    assert client.post(ADMIN, headers=admin, json={"slug": "k-culture", "titles": {"en": "x"}}).status_code == 409
    assert client.post(ADMIN, headers=factory.headers(owner), json={"slug": "x1", "titles": {"en": "x"}}) \
        .status_code == 403
    cid = created.json["id"]
    patched = client.patch(f"{ADMIN}/{cid}", headers=admin, json={"product_ids": [first.id], "position": 3})
    assert patched.json["product_ids"] == [first.id] and patched.json["position"] == 3
    assert client.patch(f"{ADMIN}/{cid}", headers=admin, json={"product_ids": ["prd_nope"]}).status_code == 404
    assert client.get("/api/v1/store/collections/k-culture?market=KR").status_code == 422
    assert client.get("/api/v1/store/collections/k-culture?market=US&lang=ko").json["title"] == "K-컬처 특별관"
    assert client.delete(f"{ADMIN}/{cid}", headers=admin).status_code == 204
    assert client.get(f"{ADMIN}/{cid}", headers=admin).status_code == 404


def test_demo_seed_builds_a_multilingual_catalogue_with_blocks(db_session):
    for _ in range(2):  # idempotent
        for seeder in (seed_markets, seed_accounts, seed_sellers, seed_catalog):
            seeder(db_session)
            db_session.flush()
    products = list(db_session.scalars(select(Product).where(Product.slug.like("hanbit-%")
                                                             | Product.slug.like("jeju-%")
                                                             | Product.slug.like("seoulthread-%")
                                                             | Product.slug.like("pangyo-%")
                                                             | Product.slug.like("icheon-%"))))
    assert len(products) >= 60
    sellers = {p.seller_id for p in products}
    assert len(sellers) >= 5
    assert db_session.scalar(select(func.count()).select_from(Seller).where(
        Seller.id.in_(sellers), Seller.status == "approved")) == len(sellers)
    assert len({p.category for p in products}) == 5
    for product in products[:10]:
        assert {t.locale for t in product.translations} == set(LOCALES)
    locales = db_session.scalars(select(ProductTranslation.locale).where(
        ProductTranslation.product_id.in_([p.id for p in products])))
    assert set(locales) == set(LOCALES)
    ginseng = next(p for p in products if p.slug == "hanbit-cream-ginseng")
    result = product_availability(db_session, ginseng)
    assert [r.code for r in result["CN"]] == ["missing_certificate"]
    assert result["US"] == [] and result["JP"] == [] and result["EU"] == []
    green = next(p for p in products if p.slug == "hanbit-cream-greentea")
    assert product_availability(db_session, green, ["CN"])["CN"] == []
