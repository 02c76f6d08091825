"""The shipment e-mails render in the buyer's (or seller's) locale with what the services put in their context."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from fulfillment import shipments
from i18n.catalogs import KEYWORDS, OPTIONS_MAP
from shop.core import notifications

SCRIPT = "<script>alert(1)</script> Serum"
TRACKING_URL = "https://track.example.com/?n=EE123456789KR&lang=en"
ORDER_LINK = "https://shop.example.com/orders/ord_1#token=a&b"
BUYER_MESSAGES = ("shipment_shipped", "shipment_delivered", "shipment_exception")
MAIL = Path(shipments.__file__).resolve().parent / "templates" / "mail"


def buyer_context(**overrides) -> dict:
    context = {
        "order_number": "D-1001", "shipment_number": "S-1001-1", "carrier": "epost",
        "carrier_name": "Korea Post", "tracking_number": "EE123456789KR", "tracking_url": TRACKING_URL,
        "items": [{"name": SCRIPT, "quantity": 2}, {"name": "Green tea", "quantity": 1}],
        "note": None, "order_link": ORDER_LINK, "transit_days": [5, 9],
    }
    return {**context, **overrides}


def seller_context(**overrides) -> dict:
    context = {
        "seller_name": "다리 상사", "order_number": "D-1001", "shipment_number": "S-1001-1",
        "carrier_name": "Korea Post", "tracking_number": "EE123456789KR", "country": "US",
        "items": [{"sku": "<b>SKU-1</b>", "quantity": 3}, {"sku": "SKU-2", "quantity": 1}],
    }
    return {**context, **overrides}


@pytest.mark.parametrize("locale", ["en", "ko"])
@pytest.mark.parametrize("template", BUYER_MESSAGES)
def test_a_buyer_message_carries_the_parcel_its_tracking_and_its_items(app, template, locale):
    with app.app_context():
        rendered = notifications.render(template, locale=locale, context=buyer_context())

    assert "D-1001" in rendered.subject and "\n" not in rendered.subject
    for body in (rendered.text, rendered.html):
        assert "D-1001" in body and "S-1001-1" in body and "Korea Post" in body and "EE123456789KR" in body
        assert "Green tea × 1" in body
    assert f'<html lang="{locale}">' in rendered.html and f"<title>{rendered.subject}</title>" in rendered.html
    # the links: as written in the text, attribute-escaped in the HTML
    assert TRACKING_URL in rendered.text and ORDER_LINK in rendered.text
    assert 'href="https://track.example.com/?n=EE123456789KR&amp;lang=en"' in rendered.html
    assert 'href="https://shop.example.com/orders/ord_1#token=a&amp;b"' in rendered.html
    # an item name is data: escaped in the HTML, kept in the text
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Serum × 2" in rendered.html
    assert "<script>alert(1)</script> Serum × 2\n" in rendered.text


@pytest.mark.parametrize("template", BUYER_MESSAGES)
def test_a_buyer_message_leaves_out_what_is_unknown(app, template):
    with app.app_context():
        rendered = notifications.render(template, locale="en", context=buyer_context(
            tracking_number=None, tracking_url=None, order_link=None, transit_days=None, note=None))

    for body in (rendered.text, rendered.html):
        assert "None" not in body and "Tracking number" not in body and "https://" not in body
        assert "business days" not in body and "The carrier reports" not in body
        assert "Green tea × 1" in body


def test_the_shipped_message_gives_the_estimated_transit_days(app):
    with app.app_context():
        rendered = notifications.render("shipment_shipped", locale="en", context=buyer_context())

    for body in (rendered.text, rendered.html):
        assert "Estimated delivery: 5 to 9 business days after dispatch." in body


def test_the_delivered_message_says_where_to_get_help_or_return(app):
    with app.app_context():
        rendered = notifications.render("shipment_delivered", locale="en", context=buyer_context())

    assert rendered.subject == "Your Dari order D-1001 was delivered"
    assert f"Get help or start a return:\n{ORDER_LINK}\n" in rendered.text
    assert "start a return" in rendered.html


def test_the_exception_message_quotes_the_carrier_escaped_in_html(app):
    note = "Address <unknown> & recipient absent"
    with app.app_context():
        rendered = notifications.render("shipment_exception", locale="en", context=buyer_context(note=note))

    assert f"The carrier reports: {note}\n" in rendered.text
    assert "The carrier reports: Address &lt;unknown&gt; &amp; recipient absent" in rendered.html
    assert "We are looking into it" in rendered.text and "We are looking into it" in rendered.html


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_the_seller_message_lists_the_shipped_skus(app, locale):
    with app.app_context():
        rendered = notifications.render("seller_shipment_shipped", locale=locale, context=seller_context())

    assert "D-1001" in rendered.subject and "S-1001-1" in rendered.subject
    for body in (rendered.text, rendered.html):
        assert "다리 상사" in body and "EE123456789KR" in body and "Korea Post" in body and "US" in body
        assert "SKU-2 × 1" in body
    assert "<b>SKU-1</b> × 3\n" in rendered.text
    assert "&lt;b&gt;SKU-1&lt;/b&gt; × 3" in rendered.html and "<b>" not in rendered.html
    assert f'<html lang="{locale}">' in rendered.html


@pytest.mark.parametrize("template", [*BUYER_MESSAGES, "seller_shipment_shipped"])
def test_text_and_html_ask_translators_for_the_same_messages(template):
    def msgids(name: str) -> set[str]:
        return {msgid for _, msgid, _, _ in extract_from_file(
            "jinja2.ext:babel_extract", MAIL / name, keywords=KEYWORDS,
            options=OPTIONS_MAP["**/templates/**.txt"])}

    text = msgids(f"{template}.txt")
    html = msgids(f"{template}.html")
    assert "Order number: %(number)s" in text and "Parcel: %(number)s" in text
    # The HTML takes the parcel block from the macros in mail/parcel.html.
    assert html <= text
    assert text <= html | msgids("parcel.html")
