from i18n import LOCALES
from i18n.catalogs import missing


def test_every_message_is_translated_in_every_locale():
    gaps = missing()
    report = "\n".join(f"{locale}/{domain}: {msgid}" for (locale, domain), ids in sorted(gaps.items())
                       for msgid in ids[:5])
    assert not gaps, f"untranslated messages (run `python -m i18n.catalogs update` and translate):\n{report}"


def test_all_locales_have_catalog_files():
    from i18n.catalogs import po_path

    for locale in LOCALES:
        assert po_path(locale, "messages").exists(), locale
