"""The country assessment: from OCDS files to a bilingual report, tables and a JSON result.

Everything is written to a staging folder beside ``out`` and swapped in at the end, so a failure
leaves the previous report (or nothing) and never half of one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .. import __version__
from ..errors import BestValueError
from ..frames import records
from ..messages import message
from ..provenance import annex
from ..risk import Weights, supplier_countries, top_ranked
from ..risk.charts import heat_map, risk_spend
from ..risk.countries import country_name, iso3
from ..risk.prioritise import OUTPUT_COLUMNS
from ..risk.prioritise import prioritise as rank_categories
from ..risk.profiles import good_name
from ..risk.valuechain import render as render_chain
from ..risk.valuechain import rows as chain_rows
from ..risk.valuechain import value_chain
from ..spend import classified_lines, coverage, cube
from ..warehouse.base import Warehouse
from ..warehouse.export import write_workbook
from ..warehouse.ingest import IngestReport, ingest, other_countries
from ..warehouse.progress import Progress
from .economics_section import check as check_economics
from .economics_section import economic_cases, preset_cases
from .render import render_html, render_pdf

__all__ = ["Assessment", "assess"]


@dataclass
class Assessment:
    """What ``assess`` wrote, and the figures behind it."""

    out: Path
    files: list[Path]
    priorities: pd.DataFrame
    data: dict[str, Any] = field(default_factory=dict)


def _data_quality(wh: Warehouse, country: str) -> dict[str, Any]:
    sources = wh.table("sources").to_pandas()
    processes = wh.table("processes")
    n = processes.filter(processes.country == country).count().to_pyarrow().as_py()
    rejects = wh.table("rejects").to_pandas()
    mine = sources[sources.country == country] if len(sources) else sources
    if len(rejects):  # refusals of the ingests that loaded this country's files
        rejects = rejects[rejects.ingest_id.isin(set(mine.ingest_id))]
    return {
        "files": int(len(mine)),
        "processes": int(n),
        "rejects": records(rejects[["path", "location", "reason"]]),
    }


def _priority_detail(
    row: Any, lang: str, wh: Warehouse, country: str, staging: Path
) -> dict[str, Any]:
    suppliers = supplier_countries(wh, row.category_code, country=country)
    chain = value_chain(row.category_code, suppliers)
    diagram = staging / f"value_chain_{row.category_code}.svg"
    render_chain(chain, str(diagram), lang)
    pd.DataFrame(chain_rows(chain, lang)).to_csv(
        staging / f"value_chain_{row.category_code}.csv", index=False
    )
    risks = []
    for dim, risk in row.profile.dimensions.items():
        risks.append(
            {
                "dimension": dim,
                "inherent": risk.inherent,
                "status": risk.status,
                "saliency": row.salient.get(dim),
                "evidence": [f"[{e.source}] {e.text(lang)}" for e in risk.evidence[:4]]
                + ([f"… {len(risk.evidence) - 4}"] if len(risk.evidence) > 4 else []),
            }
        )
    goods = sorted({good_name(g["good"], lang) for g in row.profile.goods})
    return {
        "value_chain_svg": diagram.name,
        "value_chain": chain_rows(chain, lang),
        "risks": risks,
        "goods": goods,
    }


def assess(
    paths: Sequence[str | Path],
    country: str,
    wh: Warehouse,
    *,
    out: str | Path,
    lang: str = "en",
    top: int = 3,
    weights: str | Path | None = None,
    level: str = "family",
    draws: int = 2000,
    seed: int = 0,
    attribution: str | None = None,
    economics: Sequence[str | Path] | None = (),
    progress: Progress | None = None,
    retag: bool = False,
) -> Assessment:
    """Ingest ``paths`` (already loaded files add nothing; with ``retag``, those loaded before
    with another country are given ``country``), then write the assessment to ``out``."""
    progress = progress or Progress()
    country = country.upper()
    if iso3(country) is None:
        raise BestValueError(message("not_country_code_eg", country=repr(country)))
    chosen = Weights.read(weights)
    check_economics(economics or ())
    kept = (
        ingest(paths, wh, country=country, skip_bad=True, progress=progress, retag=retag)
        if paths
        else None
    )
    lines = classified_lines(wh, progress=progress)
    progress.phase("Assessing spend and risk")
    lines = lines.filter(lines.country == country)
    by_category = cube(lines, ["category"], level=level)
    if by_category.empty:
        raise BestValueError(_no_spend(country, kept))
    ranked = rank_categories(by_category, country, weights=chosen, top=top, draws=draws, seed=seed)
    cov = coverage(lines)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        data = _build(
            wh,
            country,
            lang,
            top,
            chosen,
            draws,
            attribution,
            by_category,
            ranked,
            cov,
            lines,
            staging,
            progress,
        )
        if economics is not None:
            progress.phase("Simulating the economic case")
            cases = economics or preset_cases(data["priorities"], country, lang)
            data["economics"] = economic_cases(cases, staging, lang, seed)
        files = _write(staging, data, by_category, ranked, cov, lang)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Assessment(out, [out / f.name for f in files], ranked, data)


def _no_spend(country: str, kept: IngestReport | None) -> str:
    """Why there is no spend: nothing loaded, or files given that were loaded before without a
    country or with another (or some of each, each counted)."""
    if kept is None or not kept.other_country:
        return message("no_spend_load", country=country)
    countries, count, without = other_countries(kept.other_country)
    if not countries:
        return message("no_spend_loaded_without_country", country=country, count=without)
    key = "no_spend_loaded_mixed" if without else "no_spend_loaded_other_country"
    other = ", ".join(countries)
    return message(key, country=country, count=count, other=other, without=without)


def _build(
    wh: Warehouse,
    country: str,
    lang: str,
    top: int,
    weights: Weights,
    draws: int,
    attribution: str | None,
    by_category: pd.DataFrame,
    ranked: pd.DataFrame,
    cov: Any,
    lines: Any,
    staging: Path,
    progress: Progress,
) -> dict[str, Any]:
    progress.phase("Drawing charts and value chains")
    risk_spend(ranked, str(staging / "risk_spend.svg"), lang, top)
    heat_map(ranked, str(staging / "heat_map.svg"), lang)
    chosen = top_ranked(ranked, top)
    priorities = []
    for row in chosen.itertuples():
        detail = _priority_detail(row, lang, wh, country, staging)
        priorities.append(
            {
                "rank": int(row.rank),
                "category_code": row.category_code,
                "name_en": row.category_name_en,
                "name_es": row.category_name_es,
                "amount_usd": float(row.amount),
                "share": float(row.share),
                "score": float(row.score),
                "rank_p5": int(row.rank_p5),
                "rank_p95": int(row.rank_p95),
                "p_top": float(row.p_top),
                "reason_en": row.reason_en,
                "reason_es": row.reason_es,
                "sources": list(row.sources),
                **detail,
            }
        )
    total = float(by_category[by_category.category_code.notna()].amount.sum())
    classified = lines.filter(lines.category_code.notnull() & lines.amount_usd.notnull())
    processes = int(classified.ocid.nunique().to_pyarrow().as_py())
    return {
        "bestvalue_version": __version__,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "country": country,
        "country_name": country_name(country, lang),
        "language": lang,
        "attribution": attribution or "",
        "data_quality": _data_quality(wh, country),
        "classified_total_usd": total,
        "processes": processes,
        "coverage": {
            "total_usd": cov.total_usd,
            "by_method": records(cov.by_method),
            "unconverted": records(cov.unconverted),
        },
        "spend_by_category": records(by_category.head(25)),
        "priorities": priorities,
        "weights": {
            "criteria": weights.criteria,
            "dimensions": weights.dimensions,
            "uncertainty": weights.uncertainty,
            "coverage_floor": weights.coverage_floor,
            "draws": draws,
        },
        "sources": annex(lang),
    }


def _write(
    staging: Path,
    data: dict[str, Any],
    by_category: pd.DataFrame,
    ranked: pd.DataFrame,
    cov: Any,
    lang: str,
) -> list[Path]:
    tables = {
        "spend_by_category": by_category,
        "priorities": ranked[OUTPUT_COLUMNS].assign(sources=[";".join(s) for s in ranked.sources]),
        "coverage_by_method": cov.by_method,
        "unconverted": cov.unconverted,
        "sources": pd.DataFrame(data["sources"]),
    }
    for name, frame in tables.items():
        frame.to_csv(staging / f"{name}.csv", index=False)
    write_workbook(
        {n: pa.Table.from_pandas(f, preserve_index=False) for n, f in tables.items()},
        staging / "assessment.xlsx",
    )
    (staging / "assessment.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    html = render_html(data, staging, lang)
    (staging / "report.html").write_text(html, encoding="utf-8")
    render_pdf(html, staging, staging / "report.pdf")
    return sorted(staging.iterdir())


def _swap(staging: Path, out: Path) -> None:
    """Put the finished report in place of the old one in two renames."""
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)
