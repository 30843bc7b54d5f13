"""bestvalue: best value in public procurement, with human-rights due diligence.

The public Python API is what ``__all__`` lists; everything else may change between releases.
"""

from __future__ import annotations

from .categories import ClassifyReport, Evaluation, classify, evaluate_classifier
from .errors import BestValueError, InputError, WarehouseError
from .risk import category_profile, prioritise
from .spend import SpendResult, spend, spend_lines
from .warehouse import TABLES, Warehouse, open_warehouse
from .warehouse.ingest import IngestReport, Progress, ingest

__version__ = "0.1.0"

__all__ = [
    "TABLES",
    "BestValueError",
    "ClassifyReport",
    "Evaluation",
    "IngestReport",
    "InputError",
    "Progress",
    "SpendResult",
    "Warehouse",
    "WarehouseError",
    "__version__",
    "category_profile",
    "classify",
    "evaluate_classifier",
    "ingest",
    "open_warehouse",
    "prioritise",
    "spend",
    "spend_lines",
]
