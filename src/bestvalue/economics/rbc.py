"""The cost (or saving) of incorporating responsible business conduct in a contract.

saving = expected incident costs without the measures − with them − due-diligence costs
(+ monetised social value, optional). Incident costs are probability × (disruption + termination
and re-tender + litigation + remediation + reputation), discounted over the contract years. The
parameters come from a file where each names its distribution and source; nothing is built in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .montecarlo import Param, Summary, simulate

__all__ = ["REQUIRED", "economic_case", "read_params", "saving"]

REQUIRED = (
    "years",
    "discount_rate",
    "incident_probability_without",
    "incident_probability_with",
    "incident_cost",
    "due_diligence_cost",
)
OPTIONAL = ("social_value",)


def read_params(path: str | Path) -> tuple[list[Param], dict[str, Any]]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the parameters: {exc}") from None
    specs = doc.get("parameters", {})
    missing = [k for k in REQUIRED if k not in specs]
    if missing:
        raise InputError(str(path), f"parameters missing: {missing}")
    try:
        params = [
            Param.read(name, spec) for name, spec in specs.items() if name in REQUIRED + OPTIONAL
        ]
    except ValueError as exc:
        raise InputError(str(path), str(exc)) from None
    return params, {k: v for k, v in doc.items() if k != "parameters"}


def saving(x: Mapping[str, np.ndarray]) -> np.ndarray:
    """Net present saving of RBC per draw (positive: RBC saves money)."""
    years = np.maximum(np.round(x["years"]), 1)
    d = x["discount_rate"]
    annuity = np.where(d == 0, years, (1 - (1 + d) ** -years) / np.where(d == 0, 1, d))
    avoided = (
        (x["incident_probability_without"] - x["incident_probability_with"])
        * x["incident_cost"]
        * annuity
    )
    social = x.get("social_value", np.zeros_like(avoided)) * annuity
    return avoided + social - x["due_diligence_cost"] * annuity


def economic_case(
    path: str | Path, draws: int = 100_000, seed: int = 0
) -> tuple[np.ndarray, Summary, dict[str, Any]]:
    params, meta = read_params(path)
    values, summary = simulate(saving, params, draws, seed)
    return (
        values,
        summary,
        meta
        | {
            "parameters": [
                {
                    "name": p.name,
                    "distribution": p.kind,
                    "values": list(p.values),
                    "source": p.source,
                }
                for p in params
            ]
        },
    )
