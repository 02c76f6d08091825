"""Messages render from their package's templates in the recipient's locale: translated, formatted, escaped."""
from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from shop.core import notifications
from shop.core.notifications.rendering import create_environment

SCRIPT = "<script>alert(1)</script> Serum"


def confirmed(**overrides) -> dict:
    context = {
        "number": "D-1001", "currency": "EUR",
        "lines": [{"name": SCRIPT, "quantity": 2, "total_minor": 123456}],
        "subtotal_minor": 123456, "shipping_name": "EMS", "shipping_minor": 1500, "duties_minor": 0,
        "taxes_minor": 0, "total_minor": 124956, "due_on_delivery_minor": 0, "incoterm": "DDP",
        "address": {"name": "Anna", "line1": "Hauptstr. 1", "line2": "", "postal_code": "10115",
                    "city": "Berlin", "region": "", "country": "DE"},
        "transit_days": [5, 9], "link": None,
    }
    return {**context, **overrides}


@pytest.mark.parametrize(("locale", "subject", "thanks", "number_line", "total"), [
    ("ko", "Dari 주문 D-1001이 확정되었습니다", "주문해 주셔서 감사합니다!", "주문 번호: D-1001",
     "총 결제 금액: €1,249.56"),
    ("de", "Ihre Dari-Bestellung D-1001 ist bestätigt", "Vielen Dank für Ihre Bestellung!", "Bestellnummer: D-1001",
     "Bezahlt insgesamt: 1.249,56\xa0€"),
])
def test_a_message_is_translated_and_formatted_in_its_own_locale(app, locale, subject, thanks, number_line, total):
    # given a request served in French around the job
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        # when
        rendered = notifications.render("order_confirmed", locale=locale, context=confirmed())

    # then subject, text and HTML are in the message's locale, not the request's
    assert rendered.subject == subject
    for body in (rendered.text, rendered.html):
        assert thanks in body and number_line in body and total in body  # _() and {% trans %} alike
    assert f'<html lang="{locale}">' in rendered.html and f"<title>{subject}</title>" in rendered.html


def test_html_escapes_what_the_context_brings_and_text_keeps_it_as_written(app):
    with app.app_context():
        rendered = notifications.render("order_confirmed", locale="en", context=confirmed(
            link="https://shop.example.com/orders/ord_1#token=a&b"))

    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Serum × 2: €1,234.56" in rendered.html
    assert 'href="https://shop.example.com/orders/ord_1#token=a&amp;b"' in rendered.html
    assert "<script>alert(1)</script> Serum × 2: €1,234.56\n" in rendered.text
    assert rendered.text.endswith("https://shop.example.com/orders/ord_1#token=a&b\n")


def test_a_message_is_multipart_text_and_html_with_its_language(app):
    with app.app_context():
        message = notifications.message("order_confirmed", to="anna@example.com", locale="zh_TW",
                                        context=confirmed())

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Content-Language"] == "zh-Hant" and message["To"] == "anna@example.com"
    assert "D-1001" in message["Subject"]
    assert "D-1001" in message.get_body(("plain",)).get_content()
    assert "&lt;script&gt;" in message.get_body(("html",)).get_content()


@pytest.mark.parametrize(("locale", "context", "error"), [
    ("xx", confirmed(), ValueError),  # unsupported locale
    ("en", confirmed(locale="de"), ValueError),  # render sets it
    ("en", {k: v for k, v in confirmed().items() if k != "link"}, UndefinedError),  # a variable missing
])
def test_what_cannot_render_raises_instead_of_sending_holes(app, locale, context, error):
    with app.app_context(), pytest.raises(error):
        notifications.render("order_confirmed", locale=locale, context=context)


def test_a_template_name_belongs_to_one_package(app, tmp_path):
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "order_confirmed.txt").write_text("mine\n", encoding="utf-8")

    with pytest.raises(ValueError, match="order_confirmed"):
        notifications.register_templates(app, tmp_path)


@pytest.mark.parametrize(("template", "value", "locale", "expected"), [
    ("{{ v|money('KRW') }}", 12345, "ko", "₩12,345"),
    ("{{ v|money('KRW') }}", 12345, "de", "12.345\xa0₩"),
    ("{{ v|date }}", "2026-03-01", "de", "1. März 2026"),
    ("{{ v|date }}", "2026-03-01T23:30:00+00:00", "ko", "2026년 3월 1일"),
    ("{{ v|datetime }}", "2026-03-01T15:05:00+01:00", "de", "01.03.2026, 14:05:00"),
])
def test_filters_format_in_the_message_locale(app, template, value, locale, expected):
    with app.app_context():
        assert create_environment().from_string(template).render(v=value, locale=locale) == expected
