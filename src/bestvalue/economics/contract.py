"""The economic case of one contract: its life-cycle cost (deterministic) beside the Monte Carlo
of what RBC costs or saves on it.

Why apart: EU law lets only environmental externalities into the LCC; the RBC block is reported
beside it, and the expected total "with RBC" is the LCC less the expected saving, so a buyer sees
both the price of ownership and the price of harm.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import InputError
from ..messages import message
from .lcc import LifeCycle, lcc
from .montecarlo import Summary
from .rbc import economic_case

__all__ = ["contract_case"]


def contract_case(
    doc: Mapping[str, Any], where: str, draws: int = 100_000, seed: int = 0
) -> tuple[np.ndarray, Summary, dict[str, Any]]:
    life = _life_cycle(doc.get("lcc"), where)
    cost = lcc(life)
    derived = ("derived from the contract's lcc block", "derivado del bloque lcc del contrato")
    params = dict(doc.get("parameters") or {})
    params.setdefault("years", _fixed(life.years, *derived))
    params.setdefault("discount_rate", _fixed(life.discount_rate, *derived))
    yearly = life.acquisition / life.years + life.energy + life.maintenance + life.operation
    params.setdefault(
        "annual_value",
        _fixed(
            yearly,
            f"{derived[0]}: acquisition per year plus running costs",
            f"{derived[1]}: adquisición por año más costos de funcionamiento",
        ),
    )
    values, summary, meta = economic_case({**doc, "parameters": params}, draws, seed, where)
    meta["lcc"] = cost | {"total_with_rbc": cost["total"] - summary.mean}
    return values, summary, meta


def _life_cycle(block: Any, where: str) -> LifeCycle:
    if not isinstance(block, Mapping):
        raise InputError(where, message("needs_lcc"))
    try:
        life = LifeCycle(**block)
        lcc(life)
    except (TypeError, ValueError) as exc:
        raise InputError(where, message("lcc_problem", detail=exc)) from None
    return life


def _fixed(value: float, source: str, source_es: str) -> dict[str, Any]:
    return {"distribution": "fixed", "value": value, "source": source, "source_es": source_es}
