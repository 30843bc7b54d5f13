"""The DuckDB SQL of the derived tables over ``compiled_new``, as Ibis writes it from
:func:`bestvalue.warehouse.transform.derive`, kept in ``derived_sql.json`` beside this module.

Why: the ingest's commit needs only this text, and making it took Ibis, which was a quarter of
a second of every run, a tenth of a small ingest's time (0.16 s to import it, 0.1 s to write
the SQL). Every command starts faster for it too. ``transform`` stays the one definition:
``tests/test_api.py`` checks that the file is what Ibis writes now, and
``python -m bestvalue.warehouse.derived_sql`` writes it again.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

__all__ = ["derived_sql", "write"]

PATH = Path(__file__).with_name("derived_sql.json")
SOURCE = "compiled_new"  # the table the SQL reads: the commit's view of the compiled rows


@cache
def derived_sql() -> dict[str, str]:
    """Each derived table's name, and the SQL of its rows, in the order they are written."""
    return dict(json.loads(PATH.read_text(encoding="utf-8")))


def generate() -> dict[str, str]:
    """What Ibis writes now (loads Ibis)."""
    import ibis

    from .transform import compiled_table, derive

    return {
        name: ibis.to_sql(expr, dialect="duckdb")
        for name, expr in derive(compiled_table(SOURCE)).items()
    }


def write() -> None:
    PATH.write_text(json.dumps(generate(), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
