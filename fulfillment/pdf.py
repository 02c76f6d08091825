"""What fulfilment's PDFs share (customs invoice, return label): embedded fonts, text marked up by
script, long codes broken at their separators.

Helvetica (a base-14 font every viewer has) sets Windows-1252. The rest is set in fonts the
PDF carries, registered once per process: DejaVu Sans (``fonts-dejavu-core``) for Latin with
diacritics — Vietnamese —, Greek and Cyrillic, and WenQuanYi Zen Hei (``fonts-wqy-zenhei``)
for Hangul, kana and Han. Its ``.ttc`` has TrueType outlines, which reportlab's ``TTFont``
embeds (as a subset); Noto CJK's CFF outlines it cannot load. ``.ci/setup`` installs both.

Without a font file, a warning is logged once and the text falls back to reportlab's CID
fonts (``HYGothic-Medium`` for Korean, a Japanese or Chinese one by the reader's locale):
named, not embedded, so a viewer without such a face shows nothing.

reportlab is imported on first use: web processes that serve the store never need it.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

LATIN_FONT, LATIN_BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class FontFile:
    name: str  # the name reportlab registers it under (and the PDF's BaseFont, after a subset tag)
    path: str
    index: int = 0  # the face in a .ttc collection


EXTENDED = FontFile("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
EXTENDED_BOLD = FontFile("DejaVuSans-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
CJK = FontFile("WenQuanYiZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# Without the CJK file: reportlab's built-in CID fonts (not embedded).
HANGUL_CID = "HYGothic-Medium"
HAN_CID = {"ja": "HeiseiKakuGo-W5", "zh-Hans": "STSong-Light", "zh-Hant": "MSung-Light"}


def _hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")  # what Helvetica's WinAnsiEncoding can show
        return True
    except UnicodeEncodeError:
        return False


@dataclass(frozen=True)
class PdfFonts:
    """The registered fonts: ``extended`` and ``cjk`` are None where their file is missing."""

    extended: str | None
    cjk: str | None

    def font_for(self, ch: str, locale: str | None = None) -> str | None:
        """The font to set ``ch`` in; None for the paragraph's own (Helvetica)."""
        if _cp1252(ch):
            return None
        if self.extended and _has_glyph(self.extended, ch):
            return self.extended
        if self.cjk:
            return self.cjk
        if _hangul(ch):
            return HANGUL_CID
        return _cid(HAN_CID.get(locale or "", HANGUL_CID))

    def markup(self, text: str | None, locale: str | None = None) -> str:
        """``text`` escaped for a Paragraph, each run outside Windows-1252 in a font that has it.

        A space stays in the run it is in, so words of one script make one run. ``locale``
        picks the Japanese or Chinese CID font when the CJK font file is missing.
        """
        parts, run, current = [], "", None
        for ch in text or "":
            font = current if ch == " " else self.font_for(ch, locale)
            if font != current and run:
                parts.append(f'<font name="{current}">{escape(run)}</font>' if current else escape(run))
                run = ""
            run, current = run + ch, font
        if run:
            parts.append(f'<font name="{current}">{escape(run)}</font>' if current else escape(run))
        return "".join(parts)

    def width(self, text: str, size: float, locale: str | None = None) -> float:
        """How wide ``text`` is set at ``size`` points (each character in the font ``markup`` gives it)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return sum(stringWidth(ch, self.font_for(ch, locale) or LATIN_FONT, size) for ch in text)

    def break_at_separators(self, text: str, width: float, size: float) -> str:
        """``text`` as Paragraph markup whose lines fit ``width``, broken after ``-``, ``_``, ``/`` or a space.

        A SKU such as ``HB-ESSENCE_100/GIFT`` wraps between its parts, never inside one;
        only a part wider than the whole line is cut where it must be.
        """
        lines, line = [], ""
        for piece in re.findall(r"[^-_/ ]*[-_/ ]|[^-_/ ]+$", text):
            if line and self.width((line + piece).rstrip(), size) > width:
                lines.append(line)
                line = ""
            line += piece
            while len(line) > 1 and self.width(line.rstrip(), size) > width:
                cut = max((n for n in range(1, len(line)) if self.width(line[:n], size) <= width), default=1)
                lines.append(line[:cut])
                line = line[cut:]
        if line:
            lines.append(line)
        return "<br/>".join(self.markup(part.rstrip()) for part in lines)


def _has_glyph(font_name: str, ch: str) -> bool:
    from reportlab.pdfbase import pdfmetrics

    return ord(ch) in pdfmetrics.getFont(font_name).face.charWidths


@lru_cache(maxsize=None)
def _cid(name: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(name))
    # One face for every weight: <b> inside Korean text must not look for a bold CID face.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


def _embedded(font: FontFile, bold: FontFile | None = None) -> str | None:
    """Register a TrueType face (and its bold, if there is one); None, with a warning, if it cannot be."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    faces = {}
    for face in (font, bold):
        if face is None or not Path(face.path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(face.name, face.path, subfontIndex=face.index))
            faces[face] = face.name
        except (TTFError, OSError) as exc:
            log.warning("PDF font %s (%s) cannot be loaded: %s", face.name, face.path, exc)
    if font not in faces:
        log.warning("PDF font %s is missing (%s): its text falls back to fonts that are not embedded",
                    font.name, font.path)
        return None
    strong = faces.get(bold, font.name)
    pdfmetrics.registerFontFamily(font.name, normal=font.name, bold=strong, italic=font.name, boldItalic=strong)
    return font.name


@lru_cache(maxsize=1)
def pdf_fonts() -> PdfFonts:
    """Register the fonts once per process (reportlab keeps a global registry) and say which are there."""
    fonts = PdfFonts(extended=_embedded(EXTENDED, EXTENDED_BOLD), cjk=_embedded(CJK))
    if fonts.cjk is None:
        _cid(HANGUL_CID)
    return fonts
