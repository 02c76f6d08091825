"""Korean particles that depend on the word before them: ``은(는)``, ``이(가)``, ``을(를)``, ``과(와)``,
``(으)로`` written in a translation become ``은`` or ``는`` … once the word is known.

A particle follows the sound the word ends with: after a final consonant (받침) ``은 이 을 과
으로``, after a vowel ``는 가 를 와 로``; ``(으)로`` takes ``로`` after ㄹ too. The word is what
stands before the particle once the message is formatted, skipping closing quotes, brackets and
HTML tags. A Hangul syllable says its own ending; a digit is read as Sino-Korean (``1`` 일,
``2`` 이 …); a Latin letter as its English name (``L`` 엘, ``M`` 엠, ``N`` 엔, ``R`` 알 end in a
consonant). Anything else (or a ``%(name)s`` placeholder not yet filled) leaves the pair as written.
"""
from __future__ import annotations

import re

# particle as written → (after a final consonant, after a vowel, after ㄹ)
PAIRS = {
    "은(는)": ("은", "는", "은"), "는(은)": ("은", "는", "은"),
    "이(가)": ("이", "가", "이"), "가(이)": ("이", "가", "이"),
    "을(를)": ("을", "를", "을"), "를(을)": ("을", "를", "을"),
    "과(와)": ("과", "와", "과"), "와(과)": ("과", "와", "과"),
    "(으)로": ("으로", "로", "로"),
}
_PARTICLE = re.compile("|".join(re.escape(p) for p in PAIRS))
_TRAILING = re.compile(r"(?:<[^<>]*>|[\s\"'”’»)\]}】」』>])+$")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]$")
_RIEUL = 8  # ㄹ's index among final consonants
# Final consonant of how a digit or a Latin letter is read: None for a vowel, "ㄹ", or "other".
_DIGITS = {"0": "other", "1": "ㄹ", "2": None, "3": "other", "4": None, "5": None, "6": "other", "7": "ㄹ",
           "8": "ㄹ", "9": None}
_LETTERS = {"L": "ㄹ", "R": "ㄹ", "M": "other", "N": "other"}


def _ending(char: str) -> str | None | bool:
    """``None`` (vowel), ``"ㄹ"``, ``"other"`` (another final consonant), or False when unknown."""
    code = ord(char) - 0xAC00
    if 0 <= code < 11172:
        final = code % 28
        return None if final == 0 else ("ㄹ" if final == _RIEUL else "other")
    if char in _DIGITS:
        return _DIGITS[char]
    if char.isascii() and char.isalpha():
        return _LETTERS.get(char.upper())
    return False


def resolve_particles(text: str) -> str:
    """``text`` with each written-out particle pair settled by the word before it (see the module)."""
    if "(" not in text:
        return text
    pieces, last = [], 0
    for match in _PARTICLE.finditer(text):
        before = _TRAILING.sub("", text[:match.start()])
        ending = False if not before or _PLACEHOLDER.search(before) else _ending(before[-1])
        if ending is not False:
            consonant, vowel, rieul = PAIRS[match.group()]
            choice = vowel if ending is None else (rieul if ending == "ㄹ" else consonant)
            pieces += [text[last:match.start()], choice]
            last = match.end()
    return "".join(pieces) + text[last:] if pieces else text
