"""The warehouse: OCDS compiled into documented tables, on DuckDB or Spark."""

from __future__ import annotations

from pathlib import Path

from .. import settings
from ..errors import WarehouseError
from ..messages import message
from .base import Warehouse
from .schema import TABLES

__all__ = ["ENGINES", "TABLES", "Warehouse", "open_warehouse"]

ENGINES = ("duckdb", "spark")


def open_warehouse(
    location: str | Path | None = None,
    engine: str | None = None,
    *,
    read_only: bool = False,
    spark_master: str | None = None,
) -> Warehouse:
    """Open (or create) a warehouse; defaults come from the settings."""
    engine = engine or settings.get("engine")
    location = Path(location or settings.get("warehouse"))
    if engine == "duckdb":
        from .duckdb_engine import DuckDBWarehouse

        return DuckDBWarehouse(location, read_only=read_only)
    if engine == "spark":
        from .spark_engine import SparkWarehouse

        return SparkWarehouse(location, master=spark_master, read_only=read_only)
    raise WarehouseError(message("unknown_engine", engine=repr(engine), engines=", ".join(ENGINES)))
