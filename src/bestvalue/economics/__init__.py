"""The economic case for responsible business conduct, and best-value bid evaluation."""

from __future__ import annotations

from .bids import FORMULAS, Evaluation, evaluate_bids, read_tender
from .lcc import LifeCycle, lcc
from .montecarlo import Param, Summary, simulate
from .rbc import economic_case, read_params, saving

__all__ = [
    "FORMULAS",
    "Evaluation",
    "LifeCycle",
    "Param",
    "Summary",
    "economic_case",
    "evaluate_bids",
    "lcc",
    "read_params",
    "read_tender",
    "saving",
    "simulate",
]
