"""The PDFs' fonts (fulfillment/pdf.py): embedded once, chosen by script, with a fallback; codes wrapped."""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader

from fulfillment import pdf
from fulfillment.customs.documents import invoice_pdf
from tests.fulfillment.customs.customs_helpers import RECEIVER, invoice, item, pdf_pages


@pytest.fixture
def fonts_registered_afresh():
    pdf.pdf_fonts.cache_clear()
    yield
    pdf.pdf_fonts.cache_clear()


def base_fonts(document: bytes) -> set[bytes]:
    """The fonts a PDF names, without the subset tag (``AAAAAA+``) or the subset number."""
    return {re.sub(rb"^[A-Z]{6}\+|-\d+$", b"", name) for name in re.findall(rb"/BaseFont\s*/([^\s/>]+)", document)}


@pytest.mark.parametrize(("ch", "font"), [
    ("A", None), ("é", None), ("₩", "DejaVuSans"), ("ệ", "DejaVuSans"), ("ă", "DejaVuSans"),
    ("한", "WenQuanYiZenHei"), ("か", "WenQuanYiZenHei"), ("汉", "WenQuanYiZenHei"), ("體", "WenQuanYiZenHei"),
])
def test_each_script_gets_a_font_that_has_it(ch, font):
    assert pdf.pdf_fonts().font_for(ch) == font


def test_the_invoice_embeds_the_cjk_font_and_korean_reads_back():
    document = invoice_pdf(invoice(receiver=replace(RECEIVER, name="Nguyễn Thị Hương 김민지")))
    assert base_fonts(document) == {b"Helvetica", b"Helvetica-Bold", b"WenQuanYiZenHei", b"DejaVuSans"}
    assert document.count(b"/FontFile2") == 2  # both TrueType subsets are in the file
    assert b"HYGothic" not in document
    first = pdf_pages(document)[0]
    assert "다리 통합물류센터" in first and "Nguyễn Thị Hương 김민지" in first


def test_without_the_font_files_the_cid_fonts_are_named_and_a_warning_logged(fonts_registered_afresh, monkeypatch,
                                                                            caplog):
    monkeypatch.setattr(pdf, "CJK", replace(pdf.CJK, path="/nonexistent/wqy-zenhei.ttc"))
    with caplog.at_level(logging.WARNING, logger="fulfillment.pdf"):
        document = invoice_pdf(invoice())
    assert "WenQuanYiZenHei is missing" in caplog.text
    assert b"HYGothic-Medium" in base_fonts(document) and b"WenQuanYiZenHei" not in base_fonts(document)
    assert "다리 통합물류센터" in pdf_pages(document)[0]
    assert pdf.pdf_fonts().font_for("汉", "zh-Hans") == "STSong-Light"


@pytest.mark.parametrize(("text", "fit"), [
    ("HB-ESS-100", "HB-ESS-100"),
    ("HANBIT-CERAMIC_BOWL/LARGE-2024-BLUE", "BOWL/LARGE-"),
    ("HB 100 GIFT-SET", "GIFT-SET"),
])
def test_long_codes_break_after_their_separators(text, fit):
    fonts = pdf.pdf_fonts()
    width = fonts.width(fit, 8)
    lines = fonts.break_at_separators(text, width, 8).split("<br/>")
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(fonts.width(line, 8) <= width for line in lines)
    end = 0
    for line in lines[:-1]:  # each line ends at a separator, or before a space
        end = text.index(line, end) + len(line)
        assert line[-1] in "-_/" or text[end] == " "
    assert fit in lines  # a part that fits is never split


def test_a_part_wider_than_the_line_is_cut_where_it_must_be():
    fonts = pdf.pdf_fonts()
    width = fonts.width("1234567890", 8)  # Helvetica's digits are all as wide
    assert fonts.break_at_separators("1234567890123456789012-1", width, 8).split("<br/>") == [
        "1234567890", "1234567890", "12-1"]


def test_a_long_sku_wraps_at_its_separators_in_the_packing_list():
    sku = "HANBIT-CERAMIC_BOWL/LARGE-2024-BLUE-EXTRA-EDITION-KR"
    document = invoice_pdf(invoice(items=(item(sku=sku),)))
    packing = PdfReader(BytesIO(document)).pages[1].extract_text().splitlines()
    start = packing.index("HANBIT-CERAMIC_")
    parts = packing[start:start + 4]
    assert "".join(parts) == sku
    assert all(part[-1] in "-_/" for part in parts[:-1])
