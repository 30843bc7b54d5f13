"""Settings declared as data.

Every setting has a name, an environment variable, a default that works on a laptop, and a line of
documentation; ``tests/test_settings.py`` checks that each one is documented in the README. The CLI
options default to these values, so an agency can configure a server once through the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["SETTINGS", "Setting", "get"]


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "warehouse",
        "BESTVALUE_WAREHOUSE",
        "bestvalue.duckdb",
        "Where the warehouse lives: a DuckDB file (duckdb engine) or a directory (spark engine).",
    ),
    Setting("engine", "BESTVALUE_ENGINE", "duckdb", "The warehouse engine: duckdb or spark."),
    Setting(
        "spark_master",
        "BESTVALUE_SPARK_MASTER",
        "local[*]",
        "The Spark master URL used by the spark engine (local mode by default).",
    ),
    Setting(
        "spark_driver_memory",
        "BESTVALUE_SPARK_DRIVER_MEMORY",
        "2g",
        "Memory of the Spark driver JVM in local mode (e.g. 2g, 8g); raise it for large spend "
        "queries on one machine.",
    ),
    Setting(
        "indicators_dir",
        "BESTVALUE_INDICATORS_DIR",
        "bestvalue-indicators",
        "Where `bestvalue indicators import` keeps the indicators you add (a CSV and its metadata "
        "each).",
    ),
    Setting(
        "batch_rows",
        "BESTVALUE_BATCH_ROWS",
        "2000",
        "Documents staged per batch while ingesting; bounds memory use.",
    ),
    Setting(
        "ingest_workers",
        "BESTVALUE_INGEST_WORKERS",
        "0",
        "Processes that compile OCDS side by side when an ingest touches many processes (0: one "
        "per core; 1: compile in the main process).",
    ),
    Setting(
        "fast_ingest",
        "BESTVALUE_FAST_INGEST",
        "1",
        "1: plain release packages and JSON lines are parsed and compiled in DuckDB (many times "
        "faster), anything else by the Python reader and merge; 0: everything in Python.",
    ),
    Setting(
        "whole_file_mb",
        "BESTVALUE_WHOLE_FILE_MB",
        "16",
        "Files up to this size (MB, uncompressed) are parsed whole, which is fast; larger ones "
        "are streamed, so memory stays bounded.",
    ),
    Setting(
        "duckdb_memory_limit",
        "BESTVALUE_DUCKDB_MEMORY_LIMIT",
        "512MB",
        "DuckDB memory limit; beyond it DuckDB spills to disk instead of growing. During an "
        "ingest, the DuckDB that parses and compiles has all of it and the warehouse's half, "
        "until it is closed: the deletes of updated processes and the commit have all of it. "
        "Raise it if an ingest says DuckDB ran out of memory.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Return a setting's value: its environment variable if set, otherwise its default."""
    setting = _BY_NAME[name]
    return os.environ.get(setting.env, setting.default)
