"""The economic case for responsible business conduct, and best-value bid evaluation."""

from __future__ import annotations

from .bids import FORMULAS, Evaluation, evaluate_bids, read_tender
from .contract import contract_case
from .lcc import LifeCycle, lcc
from .montecarlo import Param, Summary, simulate
from .rbc import defaults, economic_case, parts, preset, read_params, risk_tier, saving

__all__ = [
    "FORMULAS",
    "Evaluation",
    "LifeCycle",
    "Param",
    "Summary",
    "contract_case",
    "defaults",
    "economic_case",
    "evaluate_bids",
    "lcc",
    "parts",
    "preset",
    "read_params",
    "read_tender",
    "risk_tier",
    "saving",
    "simulate",
]
