import pytest

from i18n import fallback_chain, normalize_locale, parse_accept_language, pick_translation


@pytest.mark.parametrize("tag, expected", [
    ("ko", "ko"), ("KO-kr", "ko"), ("de-AT", "de"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"),
    ("zh-CN", "zh-Hans"), ("zh_Hant", "zh-Hant"), ("zh", "zh-Hans"), ("fr-CA", "fr"), ("es", None), ("", None),
])
def test_normalize_locale(tag, expected):
    assert normalize_locale(tag) == expected


def test_accept_language_orders_by_quality():
    assert parse_accept_language("es;q=1, de;q=0.5, ja;q=0.8, en;q=0") == ["ja", "de"]
    assert parse_accept_language("zh-TW,zh;q=0.9") == ["zh-Hant", "zh-Hans"]
    assert parse_accept_language(None) == []


def test_listing_fallback_chain():
    assert fallback_chain("vi", "vi") == ["vi", "en", "ko"]
    assert fallback_chain("de", "en") == ["de", "en", "ko"]
    assert pick_translation({"ko": "보습 크림", "en": "Moisturiser"}, "ja", "ja") == ("en", "Moisturiser")
    assert pick_translation({"ko": "보습 크림"}, "ja", "ja") == ("ko", "보습 크림")
    assert pick_translation({}, "ja") == (None, None)


@pytest.mark.parametrize("url, headers, expected", [
    ("/nope?lang=ja", {"Accept-Language": "de"}, "ja"),         # ?lang= wins
    ("/nope", {"Accept-Language": "de-DE,de;q=0.9"}, "de"),     # then Accept-Language
    ("/nope?market=JP", {}, "ja"),                              # then the market default
    ("/nope?market=TW", {}, "zh-Hant"),
    ("/nope", {}, "en"),                                        # then English
])
def test_locale_negotiation(client, db_session, url, headers, expected):
    response = client.get(url, headers=headers)
    assert response.headers["Content-Language"] == expected


def test_unknown_lang_parameter_is_a_400(client, db_session):
    response = client.get("/api/v1/store/markets?lang=xx")
    assert response.status_code == 400
    assert response.json["code"] == "unsupported_locale"
