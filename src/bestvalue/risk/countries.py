"""Countries: ISO 3166 codes, names in English and Spanish, and the names evidence files use."""

from __future__ import annotations

import functools
import gettext
import unicodedata

import pycountry

__all__ = ["AMERICAS", "country_name", "iso3", "iso3_of_name"]

# The ILAB list writes some countries its own way; these are the same countries.
_ALIASES = {
    "Burma": "MMR",
    "Turkey (Türkiye)": "TUR",
    "Russia": "RUS",
    "Congo, Democratic Republic of the": "COD",
    "Kyrgyz Republic": "KGZ",
    "North Korea": "PRK",
}

# The Americas, as the pilot means them: the countries of the OAS region.
AMERICAS = frozenset(
    {
        *("ARG", "ATG", "BHS", "BRB", "BLZ", "BOL", "BRA", "CAN", "CHL", "COL", "CRI", "CUB"),
        *("DMA", "DOM", "ECU", "SLV", "GRD", "GTM", "GUY", "HTI", "HND", "JAM", "MEX", "NIC"),
        *("PAN", "PRY", "PER", "KNA", "LCA", "VCT", "SUR", "TTO", "USA", "URY", "VEN"),
    }
)


def iso3(code: str) -> str | None:
    """ISO alpha-3 of an alpha-2 or alpha-3 code (None when unknown)."""
    found = (
        pycountry.countries.get(alpha_2=code)
        if len(code) == 2
        else pycountry.countries.get(alpha_3=code)
    )
    return found.alpha_3 if found else None


@functools.cache
def iso3_of_name(name: str) -> str | None:
    """ISO alpha-3 of a country name as evidence files write it."""
    name = name.strip()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        return _by_local_name().get(_fold(name))


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c)).strip()


@functools.cache
def _by_local_name() -> dict[str, str]:
    """Country names in Spanish, Portuguese and French (publishers write "México", "Brasil")."""
    names: dict[str, str] = {}
    for lang in ("es", "pt", "fr"):
        translate = _translation(lang).gettext
        for country in pycountry.countries:
            names.setdefault(_fold(translate(country.name)), country.alpha_3)
            common = getattr(country, "common_name", None)
            if common:
                names.setdefault(_fold(translate(common)), country.alpha_3)
    return names


@functools.cache
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def country_name(code: str, lang: str = "en") -> str:
    """The country's common name in English or Spanish (the code itself when unknown)."""
    found = (
        pycountry.countries.get(alpha_3=code)
        if len(code) == 3
        else pycountry.countries.get(alpha_2=code)
    )
    if found is None:
        return code
    name = getattr(found, "common_name", None) or found.name
    return name if lang == "en" else _translation(lang).gettext(name)
