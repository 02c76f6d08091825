"""Prepaid return labels made locally: a valid tracking number and a PDF a post office reads."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from fulfillment.carriers.base import PackageSpec, Party
from fulfillment.carriers.labels import (
    LabelNeedsBooking,
    ReturnLabelRequest,
    issue_return_label,
    new_tracking_number,
)
from fulfillment.carriers.manual import ManualCarrier

BUYER = Party(name="Marie Dupont", line1="12 rue des Lilas", city="Lyon", postal_code="69003", country="FR")
CENTRE = Party(name="다리 반품센터", line1="인천광역시 중구 공항로 272", city="Incheon", postal_code="22382",
               country="KR", phone="+82 32 000 0000")


def _request(**changes) -> ReturnLabelRequest:
    values = dict(reference="R-D-2026-0042-1", sender=BUYER, receiver=CENTRE,
                  packages=(PackageSpec(weight_g=1250, length_mm=300, width_mm=200, height_mm=100),))
    return ReturnLabelRequest(**{**values, **changes})


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


@pytest.mark.parametrize(("carrier", "pattern"), [("korea_post", "RR"), ("dhl_express", ""), ("some_courier", "RL")])
def test_a_new_tracking_number_has_the_carriers_format(carrier, pattern):
    adapter = ManualCarrier(carrier)
    numbers = {new_tracking_number(adapter) for _ in range(20)}
    assert len(numbers) == 20
    for number in numbers:
        assert number.startswith(pattern) and adapter.normalize_tracking_number(number) == number


def test_the_label_carries_the_numbers_and_both_addresses():
    label = issue_return_label(ManualCarrier("korea_post"), _request(words={"title": "Retour prépayé",
                                                                             "to": "Destinataire"}, locale="fr"))
    assert label.carrier == "korea_post" and label.pdf.startswith(b"%PDF")
    text = _text(label.pdf)
    for fact in (label.tracking_number, "R-D-2026-0042-1", "Marie Dupont", "69003 Lyon", "다리 반품센터",
                 "22382 Incheon", "PREPAID RETURN / Retour prépayé", "To / Destinataire", "1.250 kg", "Korea Post"):
        assert fact in text, fact


@pytest.mark.parametrize(("locale", "word", "font"), [("ja", "返品番号", b"WenQuanYiZenHei"),
                                                      ("zh-Hans", "退货编号", b"WenQuanYiZenHei"),
                                                      ("zh-Hant", "退貨編號", b"WenQuanYiZenHei"),
                                                      ("ko", "반품 번호", b"WenQuanYiZenHei"),
                                                      ("vi", "Mã trả hàng", b"DejaVuSans")])
def test_the_buyers_words_are_set_in_an_embedded_font_of_their_script(locale, word, font):
    pdf = issue_return_label(ManualCarrier("korea_post"), _request(words={"reference": word}, locale=locale)).pdf
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+" + font, pdf) and b"/FontFile2" in pdf  # a subset, in the file
    assert b"HYGothic" not in pdf
    assert word.replace(" ", "") in _text(pdf).replace(" ", "")


def test_a_vietnamese_address_keeps_its_diacritics():
    buyer = Party(name="Nguyễn Thị Hương", line1="12 Lê Lợi", city="Hà Nội", postal_code="100000", country="VN")
    text = _text(issue_return_label(ManualCarrier("korea_post"), _request(sender=buyer, locale="vi")).pdf)
    assert "Nguyễn Thị Hương" in text and "12 Lê Lợi" in text and "Hà Nội" in text


def test_a_carrier_with_a_booking_api_is_not_served_here():
    class ApiCarrier:
        code = "api_courier"

    with pytest.raises(LabelNeedsBooking):
        issue_return_label(ApiCarrier(), _request())
