"""UNSPSC and CPV: levels, parents and titles in English, Spanish, Portuguese and French.

UNSPSC codes are handled as 8 digits whose trailing pairs of zeros mark the level (segment
``43000000``, family ``43210000``, class ``43211500``, commodity ``43211507``). The shipped
edition is old (v7.0901), so a newer code it does not list is kept at the deepest level it does
know: a spend cube must never lose an amount because the reference list is out of date.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .. import refdata

__all__ = ["LANGUAGES", "LEVELS", "Taxonomy", "at_level", "level_of", "taxonomy", "unspsc_code"]

LEVELS = ("segment", "family", "class", "commodity")
LANGUAGES = ("en", "es", "pt", "fr")
_DIGITS = {"segment": 2, "family": 4, "class": 6, "commodity": 8}


def level_of(code: str) -> str:
    """The UNSPSC level of an 8-digit code, from its trailing zeros."""
    for level in ("segment", "family", "class"):
        if code[_DIGITS[level] :] == "0" * (8 - _DIGITS[level]):
            return level
    return "commodity"


def at_level(code: str, level: str) -> str:
    """The code's ancestor at ``level``; a code coarser than ``level`` is returned as it is."""
    n = min(_DIGITS[level], _DIGITS[level_of(code)])
    return code[:n] + "0" * (8 - n)


@dataclass(frozen=True)
class Taxonomy:
    """The UNSPSC titles by code and language, and CPV titles by 8-digit code."""

    titles: dict[str, dict[str, str]]
    cpv_titles: dict[str, str]

    def known(self, code: str) -> bool:
        return code in self.titles

    def deepest_known(self, code: str) -> str:
        """The code itself if listed, else its deepest listed ancestor, else the code."""
        for level in reversed(LEVELS):
            candidate = at_level(code, level)
            if candidate in self.titles:
                return candidate
        return code

    def title(self, code: str, lang: str = "en") -> str | None:
        names = self.titles.get(code)
        if names is None:
            return None
        return names.get(lang) or names.get("en")

    def label(self, code: str, lang: str = "en") -> str:
        """A title to show, even for a code the edition does not list."""
        title = self.title(code, lang)
        if title is not None:
            return title
        missing = {"es": "no figura en la edición v7", "en": "not in edition v7"}
        return f"UNSPSC {code.rstrip('0') or code} ({missing.get(lang, missing['en'])})"

    def cpv_title(self, code8: str) -> str | None:
        """CPV title of the code or of its group or division (the shipped levels)."""
        for n in (8, 3, 2):
            found = self.cpv_titles.get(code8[:n].ljust(8, "0"))
            if found:
                return found
        return None


@functools.cache
def taxonomy() -> Taxonomy:
    frame = refdata.load("classifications", "unspsc")
    titles = {
        row.code: {
            lang: getattr(row, f"title_{lang}")
            for lang in LANGUAGES
            if isinstance(getattr(row, f"title_{lang}"), str)
        }
        for row in frame.itertuples(index=False)
    }
    cpv = refdata.load("classifications", "cpv")
    return Taxonomy(titles, dict(zip(cpv.code8, cpv.title_en, strict=True)))


_SEPARATORS = re.compile(r"[\s.\-_/]")
_DNCP = re.compile(r"^(\d{8})[-.\s_]\d{1,4}$")


def unspsc_code(raw: str | None) -> str | None:
    """An 8-digit UNSPSC code from what publishers send, or None when it is not one.

    Accepts ``43211507``, ``43-21-15-07``, ``4321 1507``, a 2/4/6-digit prefix (``801116`` is a
    class, as Colombia sends it), a 10-digit code with a business-function suffix, and Paraguay's
    DNCP catalogue ids ``30181503-001`` (UNSPSC commodity plus a 3-digit suffix).
    """
    if raw is None:
        return None
    text = raw.strip()
    match = _DNCP.match(text)
    if match:
        return match.group(1)
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit():
        return None
    if len(digits) == 10:
        digits = digits[:8]
    if len(digits) not in (2, 4, 6, 8) or digits[:2] == "00":
        return None
    return digits.ljust(8, "0")
