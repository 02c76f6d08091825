"""Every e-mail a buyer gets, in every locale, with every branch its templates have: no message falls back
to the English (or Korean) text while its catalog has a translation, and no Korean message keeps a
particle pair written out (``은(는)``). The reasons and instructions a return e-mail carries are written
in the order's language too."""
from __future__ import annotations

import itertools

import pytest

import shop.core.notifications.rendering as rendering
from i18n import LOCALES
from i18n.catalogs import _has_words as has_words
from returns.cases import views
from returns.cases.models import ReturnCase
from shop.core.notifications.rendering import render
from tests.fulfillment.shipments.helpers import warehouse
from tests.returns.helpers import ask_return, delivered_order
from tests.shop.checkout.helpers import make_item

SELLER_OR_OPS = {"low_stock", "seller_shipment_shipped"}
PAIRS = ("은(는)", "는(은)", "이(가)", "가(이)", "을(를)", "를(을)", "과(와)", "와(과)", "(으)로")

ORDER = {"number": "DR-261208-ABCD1234", "currency": "EUR", "lines": [{"name": "Grüntee-Creme", "quantity": 2,
                                                                       "total_minor": 4998}],
         "subtotal_minor": 4998, "shipping_name": "EMS", "shipping_minor": 1500, "duties_minor": 300,
         "taxes_minor": 1235, "total_minor": 8033, "due_on_delivery_minor": 0, "incoterm": "DDP",
         "address": {"name": "Max Muster", "line1": "Hauptstr. 1", "line2": "", "postal_code": "10115",
                     "city": "Berlin", "region": "", "country": "DE"},
         "transit_days": [5, 9], "link": "https://shop.example/orders/ord_1"}
PARCEL = {"order_number": "DR-261208-ABCD1234", "shipment_number": "DR-261208-ABCD1234-1", "carrier": "korea_post",
          "carrier_name": "Korea Post", "tracking_number": "EE123456789KR",
          "tracking_url": "https://track.example/EE123456789KR", "items": [{"name": "Grüntee-Creme", "quantity": 2}],
          "note": None, "order_link": "https://shop.example/orders/ord_1", "transit_days": [5, 9]}
CASE = {"order_number": "DR-261208-ABCD1234", "return_number": "R-DR-261208-ABCD1234-1", "kind": "return",
        "reasons": ["…"], "instructions": ["…"], "note": None, "items": [{"name": "Grüntee-Creme", "quantity": 1,
                                                                          "received": 1}],
        "refund": {"amount_minor": 2499, "currency": "EUR"}, "resolution": "refund",
        "parcel": {"tracking_number": "EE123456789KR", "carrier": "Korea Post", "delivered_at": None},
        "laws": ["…"], "label": {"tracking_number": "RR123456789KR", "carrier": "korea_post",
                                 "carrier_name": "Korea Post"},
        "order_link": "https://shop.example/orders/ord_1", "today": "2026-12-08"}
# Each template with the variants that reach its branches.
VARIANTS = {
    "order_confirmed": [ORDER, {**ORDER, "incoterm": "DAP", "due_on_delivery_minor": 1535, "duties_minor": 0,
                                "taxes_minor": 0, "link": None, "transit_days": None}],
    **{name: [PARCEL, {**PARCEL, "note": "Nobody at home", "order_link": None, "tracking_url": None,
                       "transit_days": None}]
       for name in ("shipment_shipped", "shipment_delivered", "shipment_exception")},
    **{name: [{**CASE, "kind": kind, "resolution": resolution, "note": note, "refund": refund, "parcel": parcel,
               "label": label, "order_link": link}
              for kind, resolution, note, refund, parcel, label, link in itertools.product(
                  ("return", "warranty"), ("refund", "repair", "replace", "exchange", None), (None, "Opened"),
                  (CASE["refund"], None), (CASE["parcel"], None), (CASE["label"], None), (CASE["order_link"], None))
              if refund is not None or name != "return_refunded"]  # a refund e-mail always has its refund
       for name in ("return_approved", "return_label", "return_received", "return_refunded", "return_rejected",
                    "return_repaired", "return_replaced")},
}


def buyer_templates(app) -> list[str]:
    with app.app_context():
        names = rendering._environment(app).loader.list_templates()
    return sorted({name[len("mail/"):-len(".subject.txt")] for name in names
                   if name.startswith("mail/") and name.endswith(".subject.txt")} - SELLER_OR_OPS)


class Recorder:
    """Flask-Babel's translations of the forced locale, noting each message that came back as written."""

    def __init__(self, translations, untranslated: list):
        self.translations, self.untranslated = translations, untranslated

    def gettext(self, message):
        result = self.translations.gettext(message)
        if result == message:
            self.untranslated.append(message)
        return result

    def ngettext(self, singular, plural, n):
        result = self.translations.ngettext(singular, plural, n)
        if result in (singular, plural):
            self.untranslated.append(singular)
        return result


def test_every_buyer_template_has_its_variants(app):
    assert set(buyer_templates(app)) == set(VARIANTS)


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != "en"])
def test_every_buyer_e_mail_is_in_the_buyers_language(app, monkeypatch, locale):
    untranslated: list[str] = []
    real = rendering.get_translations
    monkeypatch.setattr(rendering, "get_translations", lambda: Recorder(real(), untranslated))
    with app.app_context():
        for template, variants in VARIANTS.items():
            for context in variants:
                message = render(template, locale=locale, context=context)
                if locale == "ko":
                    for part in (message.subject, message.text, message.html):
                        assert not any(pair in part for pair in PAIRS), (template, part)
    words = sorted({message for message in untranslated if has_words(message)})  # not "%(name)s × %(quantity)s"
    assert words == [], f"{locale}: messages left in English: {words}"


def test_a_return_e_mail_carries_reasons_and_steps_in_the_orders_language(client, db_session, stripe_on):
    item = make_item(db_session, stock=5, warehouse=warehouse(db_session))
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=3)
    asked = ask_return(client, order, [(order.lines[0].id, 1)])
    assert asked.status_code == 201 and asked.json["status"] == "approved", asked.json
    case = db_session.get(ReturnCase, asked.json["id"])
    written = {}
    for locale in LOCALES:
        order.locale = locale
        context = views.mail_context(db_session, case, order)
        written[locale] = context["reasons"] + context["instructions"] + context["laws"]
    english = set(written["en"])
    assert english
    for locale, texts in written.items():
        assert len(texts) == len(written["en"]), locale
        if locale != "en":
            assert not english & set(texts), (locale, english & set(texts))
        if locale == "ko":
            assert not any(pair in text for text in texts for pair in PAIRS), texts
