"""The commercial invoice and packing list PDF (fulfillment/customs/documents/invoice.py), read back with pypdf."""
from __future__ import annotations

from dataclasses import FrozenInstanceError, replace

import pytest

from fulfillment.customs.documents import PackageInfo, invoice_pdf
from fulfillment.customs.errors import CustomsDataInvalid

from .customs_helpers import ESSENCE, RECEIVER, SENDER, TEA, invoice, item, pdf_pages


def test_the_invoice_names_items_parties_totals_and_tracking():
    pages = pdf_pages(invoice_pdf(invoice()))
    first = pages[0]

    assert first.startswith("SHP-2611-0001") and "COMMERCIAL INVOICE" in first
    for text in ("Snail mucin essence 100 ml", "330499", "Green tea leaves 80 g", "090210",
                 "SKU HB-ESS-100", "SKU JJ-TEA-80"):
        assert text in first
    assert "Dari Consolidation Center" in first and "12 Teheran-ro 4-gil" in first
    assert "Jane Doe" in first and "Springfield, IL 62701" in first and "United States (US)" in first
    assert "Business reg. no. (사업자등록번호): 123-45-67891" in first
    # 1 × $25.00 and 2 × $18.00; goods 61.00 + shipping 15.00 + duties 3.00 + taxes 0.00
    assert "$25.00 $25.00" in first and "2 $18.00 $36.00 0.180 kg" in first
    assert ("Goods $61.00 Shipping $15.00 Duties collected $3.00 Taxes collected $0.00 Grand total $79.00"
            in first)
    assert "Tracking no. EE123456789KR" in first and "ems / ems_standard" in first
    assert "Incoterm DDP (Delivered Duty Paid)" in first


def test_the_packing_list_is_its_own_page_with_boxes_and_contents():
    pages = pdf_pages(invoice_pdf(invoice()))

    assert len(pages) == 2 and "PACKING LIST" not in pages[0]
    packing = pages[1]
    assert "PACKING LIST" in packing and "EE123456789KR" in packing
    assert "1 0.520 kg 30.5 × 20.0 × 10.0" in packing and "2 1.250 kg 40.0 × 30.0 × 15.0" in packing
    assert "Total 1.770 kg" in packing and "Packages 2, gross 1.770 kg" in packing
    assert "HB-ESS-100 Snail mucin essence 100 ml 330499 KR 1 0.150 kg" in packing
    assert "Total 3 0.330 kg" in packing  # units and net weight of the contents
    assert "$" not in packing.split("Contents")[1]  # a packing list carries no values


def test_korean_names_are_shown_and_read_back():
    # pypdf maps the CID font's UniKS-UCS2-H codes back to Unicode, so Hangul round-trips.
    korean_receiver = replace(RECEIVER, name="김민지 Kim Minji")  # set in bold, which the CID font has no face for

    first = pdf_pages(invoice_pdf(invoice(receiver=korean_receiver)))[0]

    assert "다리 통합물류센터" in first and "김민지 Kim Minji" in first
    assert "Seller: 주식회사 한빛코스메틱 (123-45-67891)" in first
    assert "Seller: 제주녹차농원 주식회사 (220-81-00016)" in first


def test_a_krw_invoice_shows_won_amounts():
    krw_items = (replace(ESSENCE, currency="KRW", unit_value_minor=33000),
                 replace(TEA, currency="KRW", unit_value_minor=24000))
    data = invoice(currency="KRW", items=krw_items, shipping_minor=22000, duties_collected_minor=0,
                   taxes_collected_minor=4000)

    first = pdf_pages(invoice_pdf(data))[0]

    assert "Goods ₩81,000 Shipping ₩22,000 Duties collected ₩0 Taxes collected ₩4,000 Grand total ₩107,000" in first


@pytest.mark.parametrize("incoterm, payer, wording", [
    ("DDP", "paid by sender", "Import duties and taxes are paid by the sender (DDP); the receiver pays nothing"),
    ("DAP", "paid by receiver", "payable by the receiver on delivery (DAP); none were collected at checkout"),
])
def test_the_incoterm_says_who_pays_duties(incoterm, payer, wording):
    collected = 300 if incoterm == "DDP" else 0
    first = pdf_pages(invoice_pdf(invoice(incoterm=incoterm, duties_collected_minor=collected)))[0]

    assert f"Duties and taxes {payer}" in first
    assert wording in first
    assert f"Duties collected ${collected // 100}.00" in first


def test_dap_cannot_show_duties_as_collected():
    with pytest.raises(CustomsDataInvalid) as caught:
        invoice_pdf(invoice(incoterm="DAP", taxes_collected_minor=120))

    assert caught.value.code == "customs_data_invalid" and caught.value.field == "incoterm"


def test_an_unknown_incoterm_is_refused():
    with pytest.raises(CustomsDataInvalid) as caught:
        invoice_pdf(invoice(incoterm="EXW"))

    assert caught.value.field == "incoterm"


def test_a_seller_number_with_a_bad_check_digit_is_refused():
    bad = item(seller=("sel_x", "엑스 주식회사", "1234567890"))

    with pytest.raises(CustomsDataInvalid) as caught:
        invoice_pdf(invoice(items=(ESSENCE, bad)))

    assert caught.value.field == "items[1].seller_business_number"


def test_a_foreign_tax_number_is_shown_as_given():
    importer = replace(RECEIVER, country="DE", city="Berlin", region=None, postal_code="10115",
                       business_number="DE123456789")

    first = pdf_pages(invoice_pdf(invoice(receiver=importer)))[0]

    assert "Tax / business no.: DE123456789" in first and "Germany (DE)" in first


def test_markup_in_text_is_printed_not_interpreted():
    odd = item(description="Tea & <b>biscuits</b> gift set")

    first = pdf_pages(invoice_pdf(invoice(items=(odd,))))[0]

    assert "Tea & <b>biscuits</b> gift set" in first


def test_a_long_invoice_runs_over_pages_and_still_names_every_item():
    items = tuple(item(f"SKU-{n:03d}", description=f"Sheet mask pack no. {n}", hs_code=f"3304{n:02d}")
                  for n in range(60))

    pages = pdf_pages(invoice_pdf(invoice(items=items, duties_collected_minor=0)))
    text = " ".join(pages)

    assert len(pages) > 2
    for n in range(60):
        assert f"Sheet mask pack no. {n} " in text and f"SKU-{n:03d}" in text and f"3304{n:02d}" in text
    assert "Grand total $1,515.00" in text  # 60 × $25.00 + $15.00 shipping


def test_the_same_input_gives_the_same_bytes():
    assert invoice_pdf(invoice()) == invoice_pdf(invoice())


@pytest.mark.parametrize("build, field", [
    (lambda: item(quantity=0), "quantity"),
    (lambda: item(krw=-1), "unit_value_krw"),
    (lambda: item(hs_code="33"), "hs_code"),
    (lambda: item(description=" "), "description"),
    (lambda: PackageInfo(weight_g=0, length_mm=1, width_mm=1, height_mm=1), "weight_g"),
    (lambda: replace(SENDER, country="Korea"), "country"),
    (lambda: invoice(items=(item(currency="EUR"),)), "items[0].currency"),
    (lambda: invoice(packages=()), "packages"),
])
def test_inputs_check_their_shape(build, field):
    with pytest.raises(CustomsDataInvalid) as caught:
        build()

    assert caught.value.field == field


def test_inputs_are_frozen():
    with pytest.raises(FrozenInstanceError):
        ESSENCE.quantity = 3  # type: ignore[misc]
