"""bestvalue: best value in public procurement, with human-rights due diligence.

The public Python API is what ``__all__`` lists; everything else may change between releases.
"""

from __future__ import annotations

from .errors import BestValueError, InputError, WarehouseError
from .warehouse import TABLES, Warehouse, open_warehouse
from .warehouse.ingest import IngestReport, Progress, ingest

__version__ = "0.1.0"

__all__ = [
    "TABLES",
    "BestValueError",
    "IngestReport",
    "InputError",
    "Progress",
    "Warehouse",
    "WarehouseError",
    "__version__",
    "ingest",
    "open_warehouse",
]
