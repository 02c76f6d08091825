"""Demo sellers: approved, with valid business numbers and their owners' accounts."""
from __future__ import annotations

from sqlalchemy import select

from shop.accounts.demo import DEMO_PASSWORD

# Demo sellers: valid business numbers (check digit per the reference facts).
SELLERS = [
    {"key": "hanbit", "legal_name": "주식회사 한빛코스메틱", "business_number": "1234567891",
     "display_names": {"ko": "한빛 코스메틱", "en": "Hanbit Cosmetics", "ja": "ハンビット・コスメティック",
                       "zh-Hans": "韩光化妆品", "zh-Hant": "韓光化妝品", "vi": "Hanbit Cosmetics",
                       "de": "Hanbit Cosmetics", "fr": "Hanbit Cosmetics"}, "categories": ["cosmetics"]},
    {"key": "jeju", "legal_name": "제주녹차농원 주식회사", "business_number": "2208100016",
     "display_names": {"ko": "제주 녹차 농원", "en": "Jeju Green Tea Farm", "ja": "済州緑茶農園",
                       "zh-Hans": "济州绿茶农园", "zh-Hant": "濟州綠茶農園", "vi": "Nông trại trà xanh Jeju",
                       "de": "Jeju Grüntee-Farm", "fr": "Ferme de thé vert de Jeju"}, "categories": ["food"]},
    {"key": "seoulthread", "legal_name": "서울스레드 주식회사", "business_number": "1058100018",
     "display_names": {"ko": "서울 스레드", "en": "Seoul Thread", "ja": "ソウル・スレッド",
                       "zh-Hans": "首尔织线", "zh-Hant": "首爾織線", "vi": "Seoul Thread",
                       "de": "Seoul Thread", "fr": "Seoul Thread"}, "categories": ["fashion"]},
    {"key": "pangyo", "legal_name": "판교일렉트로닉스 주식회사", "business_number": "1248100019",
     "display_names": {"ko": "판교 일렉트로닉스", "en": "Pangyo Electronics", "ja": "パンギョ・エレクトロニクス",
                       "zh-Hans": "板桥电子", "zh-Hant": "板橋電子", "vi": "Pangyo Electronics",
                       "de": "Pangyo Electronics", "fr": "Pangyo Electronics"}, "categories": ["electronics"]},
    {"key": "icheon", "legal_name": "이천도예공방", "business_number": "1263900016",
     "display_names": {"ko": "이천 도예 공방", "en": "Icheon Ceramics Studio", "ja": "利川陶芸工房",
                       "zh-Hans": "利川陶艺工坊", "zh-Hant": "利川陶藝工坊", "vi": "Xưởng gốm Icheon",
                       "de": "Keramikatelier Icheon", "fr": "Atelier de céramique d'Icheon"},
     "categories": ["household"]},
]

# Their return and warranty policies, so the return engine has every kind to show: a seller
# longer than the law, one paying change-of-mind returns, one stating "no returns", one
# stating nothing (the market's fallback or the law alone applies).
POLICIES = {
    "hanbit": {"return_window_days": 14, "warranty_months": 12},
    "seoulthread": {"return_window_days": 30, "pays_change_of_mind_shipping": True, "warranty_months": 6},
    "pangyo": {"return_window_days": 14, "warranty_months": 24},
    "icheon": {"return_window_days": 0, "warranty_months": 12},
}


def seed_sellers(session) -> None:
    from .models import Seller
    from .services import apply_seller, change_status

    for spec in SELLERS:
        seller = session.scalar(select(Seller).where(Seller.business_number == spec["business_number"]))
        if seller is None:
            seller, _ = apply_seller(
                session, legal_name=spec["legal_name"], business_number=spec["business_number"],
                contact_email=f"hello@{spec['key']}.example.kr", owner_email=f"owner@{spec['key']}.example.kr",
                owner_password=DEMO_PASSWORD, display_names=spec["display_names"], categories=spec["categories"],
            )
            seller.return_address = {"name": spec["legal_name"], "line1": "1 Demo-ro", "city": "Seoul",
                                     "postal_code": "04524", "country": "KR"}
            for field, value in POLICIES.get(spec["key"], {}).items():
                setattr(seller, field, value)
        if seller.status != "approved":
            change_status(session, seller.id, "approve")


def demo_seller(session, key: str):
    """The demo seller with this key (``hanbit``, ``jeju`` …); for later seeders."""
    from .models import Seller

    number = next(spec["business_number"] for spec in SELLERS if spec["key"] == key)
    return session.scalar(select(Seller).where(Seller.business_number == number))
