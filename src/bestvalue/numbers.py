"""Numbers as a reader of each language writes them.

English groups thousands with commas and marks decimals with a point (45,233,756.5); Spanish, as
the web pages write it (Django's ``es`` formats) and as most of the Americas' Spanish-speaking
countries do, the other way round (45.233.756,5). Portuguese is prepared as Brazil writes it
(45.233.756,5) and French with a narrow space (45 233 756,5); another language is written as
English. The data tables (CSV, XLSX, JSON) keep numbers as numbers; these are for sentences,
reports and charts.
"""

from __future__ import annotations

__all__ = ["figure", "figures", "marked", "number", "percent", "plain", "share", "size"]

# Python's marks (',' groups thousands, '.' marks decimals) as each language writes them.
MARKS = {
    "es": str.maketrans({",": ".", ".": ","}),
    "pt": str.maketrans({",": ".", ".": ","}),
    "fr": str.maketrans({",": "\u202f", ".": ","}),
}


def marked(text: str, lang: str = "en") -> str:
    """``text`` written with Python's marks (``,`` thousands, ``.`` decimals) in ``lang``'s."""
    return text.translate(MARKS[lang]) if lang in MARKS else text


def number(value: float, decimals: int = 0, lang: str = "en") -> str:
    """``value`` with its thousands grouped and ``decimals`` decimals, in ``lang``'s marks."""
    return marked(f"{value:,.{decimals}f}", lang)


def plain(value: float, lang: str = "en") -> str:
    """A value as given, with its own decimals (up to 6 significant digits) and no grouping: a
    weight, a published score."""
    return marked(f"{value:g}", lang)


def figure(value: float, lang: str = "en") -> str:
    """An input as a person typed it: whole numbers grouped (7,300), large ones to the cent,
    small ones with their own decimals (0.035)."""
    if float(value).is_integer():
        return number(value, 0, lang)
    return number(value, 2, lang) if abs(value) >= 1000 else plain(value, lang)


def figures(values: list[float], lang: str = "en") -> str:
    """Several figures in a row, ``; `` between them (a comma is inside the figures: it groups
    thousands in English and marks decimals in Spanish)."""
    return "; ".join(figure(v, lang) for v in values)


def percent(share: float, decimals: int = 1, lang: str = "en") -> str:
    """A share (0.967) as a percentage (96.7%; 96,7% in Spanish)."""
    return number(share * 100, decimals, lang) + "%"


def share(value: float, lang: str = "en") -> str:
    """A share of spend to a tenth of a percent, and a tiny one as ``<0.1%`` rather than 0.0%."""
    return "<" + percent(0.001, 1, lang) if 0 < value < 0.001 else percent(value, 1, lang)


def size(nbytes: float, lang: str = "en", of: float | None = None) -> str:
    """A size in the largest decimal unit it reaches, to a tenth (13.9 kB, 200.2 MB, 3.0 GB;
    bytes whole): a small file is not "0.0 MB". ``of``, a total: both in its unit (2.5/27.5
    MB)."""
    scale, unit = next(
        ((s, u) for u, s in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)) if (of or nbytes) >= s),
        (1.0, "bytes"),
    )
    places = 0 if unit == "bytes" else 1
    total = f"/{number(of / scale, places, lang)}" if of else ""
    return f"{number(nbytes / scale, places, lang)}{total} {unit}"
