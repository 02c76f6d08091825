"""The prose of the market rules is served in the reader's language; what admins write stays theirs."""
import copy
import re

import pytest

from i18n.data_texts import MARKET_RULE_TEXT_KEYS, catalog, find_texts
from shop.markets.models import Market
from shop.markets.services import load_bundled

BLOCKS = ("price_rounding", "returns", "warranty", "import", "certificates")
BUNDLED = {m["code"]: m for m in load_bundled()["markets"]}


def _texts(market: dict) -> list[tuple[str, str]]:
    return [pair for block in BLOCKS for pair in find_texts(market.get(block) or {}, MARKET_RULE_TEXT_KEYS, block)]


def _at(node, path: str):
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        node = node[int(index)] if index else node[key]
    return node


@pytest.mark.parametrize("locale", ["de", "ja", "ko"])
def test_every_rule_text_is_served_in_the_asked_language(client, db_session, locale):
    response = client.get("/api/v1/store/markets", headers={"Accept-Language": locale})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == locale
    gettext = catalog(locale, "markets").gettext
    checked = 0
    for market in response.json["items"]:
        for path, source in _texts(BUNDLED[market["code"]]):
            text = _at(market, path)
            assert gettext(source) != source, f"{locale}: no translation for {source!r}"
            assert text == gettext(source), f"{market['code']}.{path}"
            assert text != source, f"{market['code']}.{path} is still English"
            checked += 1
    assert checked > 100


def test_codes_numbers_and_source_ids_are_served_as_stored(client, db_session):
    german = client.get("/api/v1/store/markets/US", headers={"Accept-Language": "de"}).json
    english = client.get("/api/v1/store/markets/US", headers={"Accept-Language": "en"}).json

    assert german["returns"]["notes"] != english["returns"]["notes"]
    assert german["returns"]["notes"].startswith("Kein bundesweites Widerrufsrecht")
    surcharge, source = german["import"]["surcharges"][0], BUNDLED["US"]["import"]["surcharges"][0]
    assert {k: v for k, v in surcharge.items() if k not in ("name", "note")} == \
        {k: v for k, v in source.items() if k not in ("name", "note")}
    assert german["certificates"]["electronics"][0]["type"] == "FCC"
    assert german["import"]["postal_duties_paid"]["fees"][0]["code"] == "US_POSTAL_GIFT_FEE"
    assert german["import"]["timeline"][0]["sources"] == ["US4"]


def test_serving_a_translation_leaves_the_stored_rules_alone(client, db_session):
    client.get("/api/v1/store/markets/US", headers={"Accept-Language": "ja"})

    stored = db_session.get(Market, "US")
    assert stored.returns == BUNDLED["US"]["returns"]
    assert stored.certificates == BUNDLED["US"]["certificates"]


def test_an_admins_own_note_is_served_as_written(client, db_session, factory):
    admin = factory.headers(factory.user("admin"))
    returns = copy.deepcopy(BUNDLED["US"]["returns"])
    returns["notes"] = "Returns within 30 days at our cost (store policy)."

    edited = client.patch("/api/v1/admin/markets/US", json={"returns": returns},
                          headers={**admin, "Accept-Language": "de"})
    served = client.get("/api/v1/store/markets/US", headers={"Accept-Language": "de"})

    assert edited.status_code == 200, edited.json
    assert edited.json["returns"]["notes"] == returns["notes"]
    assert served.json["returns"]["notes"] == returns["notes"]
    # the untouched blocks are still translated
    assert served.json["warranty"]["notes"] != BUNDLED["US"]["warranty"]["notes"]


def test_patch_stores_the_admins_text_untranslated(client, db_session, factory):
    admin = factory.headers(factory.user("admin"))
    warranty = copy.deepcopy(BUNDLED["US"]["warranty"])
    warranty["notes"] = BUNDLED["JP"]["warranty"]["notes"]  # English text the catalog knows

    response = client.patch("/api/v1/admin/markets/US", json={"warranty": warranty},
                            headers={**admin, "Accept-Language": "fr"})

    assert response.status_code == 200, response.json
    assert response.json["warranty"]["notes"].startswith("Code civil de 2020")
    db_session.expire_all()
    assert db_session.get(Market, "US").warranty == warranty
