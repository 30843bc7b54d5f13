"""bestvalue: best value in public procurement, with human-rights due diligence.

The public Python API is what ``__all__`` lists; everything else may change between releases.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from .errors import BestValueError, InputError, WarehouseError

if TYPE_CHECKING:
    from .categories import ClassifyReport, Evaluation, evaluate_classifier
    from .categories.classify import classify
    from .risk import category_profile, prioritise  # type: ignore[no-redef]  # vs the submodule
    from .spend import SpendResult, spend, spend_lines
    from .warehouse import TABLES, Warehouse, open_warehouse
    from .warehouse.ingest import IngestReport, ingest
    from .warehouse.progress import Progress

# Imported on first use (PEP 562): ``bestvalue ingest`` need not load pandas and the category
# model, which take most of a second, longer than a small ingest's own work.
_LAZY = {
    "bestvalue.categories": ("ClassifyReport", "Evaluation", "classify", "evaluate_classifier"),
    "bestvalue.risk": ("category_profile", "prioritise"),
    "bestvalue.spend": ("SpendResult", "spend", "spend_lines"),
    "bestvalue.warehouse": ("TABLES", "Warehouse", "open_warehouse"),
    "bestvalue.warehouse.ingest": ("IngestReport", "ingest"),
    "bestvalue.warehouse.progress": ("Progress",),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'bestvalue' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``bestvalue.spend`` is the function, as when it was imported eagerly: importing the
    submodule of that name (done lazily now) must not replace it on the package."""

    @property
    def spend(self) -> Any:
        return importlib.import_module("bestvalue.spend").spend

    @spend.setter
    def spend(self, module: Any) -> None:
        pass  # the import system setting the submodule; the function stays the API


sys.modules[__name__].__class__ = _Package
