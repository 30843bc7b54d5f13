"""``bestvalue economics``: what responsible business conduct costs or saves, with uncertainty."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
import pyarrow as pa

from ..economics import economic_case
from .common import console, format_option, render


@click.command("economics")
@click.option(
    "--params",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON: each parameter's distribution, values and source (see examples/).",
)
@click.option("--draws", type=click.IntRange(1000), default=100_000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@format_option("table", "json")
def command(params: Path, draws: int, seed: int, fmt: str) -> None:
    """Monte Carlo of the net saving of RBC: P10/P50/P90, chance of saving, sensitivity."""
    _, summary, meta = economic_case(params, draws=draws, seed=seed)
    if fmt == "json":
        click.echo(
            json.dumps({"summary": asdict(summary), "inputs": meta}, ensure_ascii=False, indent=2)
        )
        return
    console.print(meta.get("title", ""))
    console.print(
        f"Net saving of RBC ({meta.get('currency', '')}, present value, "
        f"{draws:,} draws, seed {seed}): "
        f"P10 {summary.p10:,.0f} · P50 {summary.p50:,.0f} · P90 {summary.p90:,.0f}; "
        f"probability that RBC saves money {summary.probability_positive:.0%}"
    )
    render(pa.Table.from_pylist(summary.tornado), "table")
    sobol = [{"parameter": k, "first_order_sobol": round(v, 3)} for k, v in summary.sobol.items()]
    render(pa.Table.from_pylist(sobol), "table")
    render(
        pa.Table.from_pylist([{k: str(v) for k, v in p.items()} for p in meta["parameters"]]),
        "table",
    )
