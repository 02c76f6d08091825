"""Korean particles settle on the word before them; no message leaves with ``은(는)`` written out."""
from __future__ import annotations

import pytest

from i18n.korean import resolve_particles
from shop.core.notifications.rendering import render


@pytest.mark.parametrize("text, expected", [
    ("화장품은(는) 안 됩니다", "화장품은 안 됩니다"),
    ("식품은(는) 안 됩니다", "식품은 안 됩니다"),
    ("의류은(는)", "의류는"),
    ("반품 R-DR-1-1을(를) 받았습니다", "반품 R-DR-1-1을 받았습니다"),  # 일
    ("주문 D-1002이(가)", "주문 D-1002가"),  # 이
    ("SKU ABC-L은(는)", "SKU ABC-L은"),  # 엘
    ("SKU ABC-X은(는)", "SKU ABC-X는"),  # 엑스
    ("서울(으)로", "서울로"), ("부산(으)로", "부산으로"), ("제주(으)로", "제주로"),
    ("<b>인천</b>과(와) 도쿄", "<b>인천</b>과 도쿄"),
    ("“녹차”은(는)", "“녹차”는"),
    ("%(sku)s은(는) 이미 있습니다", "%(sku)s은(는) 이미 있습니다"),  # not formatted yet: left for later
    ("종합(보세) 창고", "종합(보세) 창고"),
    ("no particles (here)", "no particles (here)"),
])
def test_a_particle_follows_the_sound_before_it(text, expected):
    assert resolve_particles(text) == expected


def test_a_korean_problem_and_e_mail_carry_no_particle_pair(app, client, db_session, factory):
    refused = client.get("/api/v1/store/products?market=ZZ", headers={"Accept-Language": "ko"})
    assert "(" not in refused.json["detail"].replace("(s)", "")
    with app.app_context():
        message = render("return_received", locale="ko", context={
            "order_number": "DR-1", "return_number": "R-DR-1-2", "kind": "return", "items": [],
            "reasons": [], "instructions": [], "note": None, "refund": None, "resolution": None, "parcel": None,
            "laws": [], "label": None, "order_link": None, "today": "2026-12-08"})
    for part in (message.subject, message.text, message.html):
        assert not any(pair in part for pair in ("은(는)", "이(가)", "을(를)")), part
