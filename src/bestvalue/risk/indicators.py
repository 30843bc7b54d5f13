"""The indicator registry: country-level evidence, shipped or imported, each with its source.

Shipped: World Bank WGI (six indicators, latest year per country), Transparency International's
CPI 2023, and two country flags derived from the ILAB List of Goods (any good listed for forced
labour, or for child labour, in that country). Imported: any CSV of ``country,value[,year]`` with a
JSON metadata file naming its publisher, edition, address, licence, retrieval date, scale and
direction (``bestvalue indicators import``), e.g. ITUC Global Rights Index ratings typed from the
published report, or the Global Slavery Index, whose terms did not allow shipping it.
Values are scaled to a risk between 0 (best) and 1 (worst) on the indicator's own anchors.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import refdata, settings
from ..errors import InputError, Location
from ..messages import message
from .countries import AMERICAS, iso3, iso3_of_name

__all__ = ["Indicator", "import_indicator", "indicators", "shipped_indicators"]

META_FIELDS = (
    "id",
    "title",
    "publisher",
    "edition",
    "address",
    "licence",
    "retrieved",
    "min",
    "max",
    "higher_is_worse",
)
WGI = {
    "va": ("Voice and accountability", "Voz y rendición de cuentas"),
    "pv": (
        "Political stability and absence of violence",
        "Estabilidad política y ausencia de violencia",
    ),
    "ge": ("Government effectiveness", "Efectividad del gobierno"),
    "rq": ("Regulatory quality", "Calidad regulatoria"),
    "rl": ("Rule of law", "Estado de derecho"),
    "cc": ("Control of corruption", "Control de la corrupción"),
}
ILAB_FLAG = {
    "forced": (
        "ILAB: a good produced with forced labour is listed for the country",
        "ILAB: la lista incluye un bien producido con trabajo forzoso en el país",
    ),
    "child": (
        "ILAB: a good produced with child labour is listed for the country",
        "ILAB: la lista incluye un bien producido con trabajo infantil en el país",
    ),
}


@dataclass
class Indicator:
    id: str
    title: str
    publisher: str
    edition: str
    address: str
    licence: str
    retrieved: str
    min: float
    max: float
    higher_is_worse: bool
    values: dict[str, tuple[float, int | None]] = field(default_factory=dict)
    imported: bool = False
    title_es: str = ""  # optional in an import's metadata, as the next two
    edition_es: str = ""
    licence_es: str = ""

    def title_in(self, lang: str) -> str:
        return self._in("title", lang)

    def edition_in(self, lang: str) -> str:
        return self._in("edition", lang)

    def licence_in(self, lang: str) -> str:
        return self._in("licence", lang)

    def _in(self, name: str, lang: str) -> str:
        """Field ``name`` in ``lang`` (its ``_es`` twin), the English one where there is none."""
        return str(getattr(self, f"{name}_{lang}", "") or getattr(self, name))

    def risk(self, country: str) -> float | None:
        """0 (best) to 1 (worst) on the indicator's anchors; None when there is no value."""
        found = self.values.get(country)
        if found is None:
            return None
        share = (min(max(found[0], self.min), self.max) - self.min) / (self.max - self.min)
        return share if self.higher_is_worse else 1 - share

    def coverage(self) -> dict[str, int]:
        americas = sum(1 for c in self.values if c in AMERICAS)
        return {
            "countries": len(self.values),
            "americas": americas,
            "americas_total": len(AMERICAS),
        }


Values = dict[str, tuple[float, int | None]]


def _shipped(
    ind_id: str,
    title: tuple[str, str],
    name: str,
    anchors: tuple[float, float],
    higher_is_worse: bool,
    values: Values,
) -> Indicator:
    """An indicator built from a shipped table, with that table's source."""
    res = refdata.resource("risk", name)
    publisher = res.meta["sources"][0]["title"].split(";")[0]
    retrieved = str(res.meta.get("retrieved", ""))
    return Indicator(
        ind_id,
        title[0],
        publisher,
        res.edition,
        res.address,
        res.licence,
        retrieved,
        anchors[0],
        anchors[1],
        higher_is_worse,
        values,
        title_es=title[1],
        edition_es=res.edition_in("es"),
        licence_es=res.licence_in("es"),
    )


def _wgi() -> list[Indicator]:
    frame = refdata.load("risk", "wgi")
    frame = frame[frame.estimate.notna()].copy()
    frame["estimate"] = frame.estimate.astype(float)
    latest = frame.sort_values("year").groupby(["code", "indicator"]).tail(1)
    out = []
    for key, (title, title_es) in WGI.items():
        rows = latest[latest.indicator == key]
        values: Values = {
            str(c): (float(v), int(y))
            for c, v, y in zip(rows.code, rows.estimate, rows.year, strict=True)
        }
        titles = (f"WGI: {title}", f"WGI: {title_es}")
        out.append(_shipped(f"wgi.{key}", titles, "wgi", (-2.5, 2.5), False, values))
    return out


def _cpi() -> Indicator:
    frame = refdata.load("risk", "cpi")
    scores = zip(frame.ISO3, frame["CPI score 2023"], strict=True)
    values: Values = {str(c): (float(v), 2023) for c, v in scores}
    title = ("Corruption Perceptions Index 2023", "Índice de Percepción de la Corrupción 2023")
    return _shipped("cpi.score", title, "cpi", (0, 100), False, values)


def _ilab_flags() -> list[Indicator]:
    frame = refdata.load("risk", "ilab_goods")
    out = []
    for key, column in (("forced", "forced_labor"), ("child", "child_labor")):
        title = ILAB_FLAG[key]
        values: Values = {}
        for name, flag in zip(frame.country, frame[column], strict=True):
            code = iso3_of_name(name)
            if code is not None and flag == "Yes":
                values[code] = (1.0, 2022)
        out.append(_shipped(f"ilab.country_{key}", title, "ilab_goods", (0, 1), True, values))
    return out


def shipped_indicators() -> list[Indicator]:
    return [*_wgi(), _cpi(), *_ilab_flags()]


def _registry(directory: str | Path | None) -> Path:
    return Path(directory or settings.get("indicators_dir"))


def _read_import(meta_path: Path, data_path: Path) -> Indicator:
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    missing = [f for f in META_FIELDS if f not in meta]
    if missing:
        raise InputError(str(meta_path), message("metadata_fields", fields=missing))
    values: Values = {}
    for line, row in refdata.user_rows(data_path, {"country", "value"}, "what_indicator_file"):
        code = iso3(row["country"].strip().upper()) or iso3_of_name(row["country"])
        try:
            value = float(row["value"])
        except ValueError:
            raise InputError(
                str(data_path),
                message("value_not_number", value=repr(row["value"])),
                Location(line=line),
            ) from None
        if code is None:
            raise InputError(
                str(data_path),
                message("unknown_country", country=repr(row["country"])),
                Location(line=line),
            )
        year = int(row["year"]) if row.get("year") else None
        values[code] = (value, year)
    kwargs = {k: meta[k] for k in META_FIELDS}
    kwargs["min"], kwargs["max"] = float(kwargs["min"]), float(kwargs["max"])
    kwargs["higher_is_worse"] = bool(kwargs["higher_is_worse"])
    return Indicator(
        **kwargs,
        values=values,
        imported=True,
        title_es=str(meta.get("title_es") or ""),
        edition_es=str(meta.get("edition_es") or ""),
        licence_es=str(meta.get("licence_es") or ""),
    )


def import_indicator(
    data: str | Path, meta: str | Path, directory: str | Path | None = None
) -> Indicator:
    """Check a user's indicator and keep a copy in the registry directory (replacing its id)."""
    indicator = _read_import(Path(meta), Path(data))
    if indicator.min >= indicator.max:
        raise InputError(str(meta), message("min_below_max"))
    target = _registry(directory)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data, target / f"{indicator.id}.csv")
    shutil.copyfile(meta, target / f"{indicator.id}.json")
    return indicator


def indicators(directory: str | Path | None = None) -> dict[str, Indicator]:
    """Every indicator by id: shipped ones, then imported ones (which may replace them)."""
    found = {i.id: i for i in shipped_indicators()}
    folder = _registry(directory)
    if folder.is_dir():
        for meta in sorted(folder.glob("*.json")):
            found[meta.stem] = _read_import(meta, meta.with_suffix(".csv"))
    return found
