"""The public API is explicit, and every setting and table is documented."""

from __future__ import annotations

from pathlib import Path

import bestvalue
from bestvalue import settings
from bestvalue.warehouse.schema import render_markdown

ROOT = Path(__file__).parents[1]


def test_public_api():
    assert sorted(bestvalue.__all__) == sorted(
        [
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
    )
    for name in bestvalue.__all__:
        assert hasattr(bestvalue, name), name


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for setting in settings.SETTINGS:
        assert f"`{setting.env}`" in readme, setting.env


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BESTVALUE_ENGINE", "spark")
    assert settings.get("engine") == "spark"
    monkeypatch.delenv("BESTVALUE_ENGINE")
    assert settings.get("engine") == "duckdb"


def test_warehouse_doc_is_current():
    assert (ROOT / "docs" / "warehouse.md").read_text() == render_markdown()


def test_the_derived_tables_sql_is_what_ibis_writes_now():
    """The commit reads the derived tables' SQL from a file, so that an ingest need not load
    Ibis; ``transform`` stays the definition. If this fails after a change to it, write the
    file again: python -m bestvalue.warehouse.derived_sql"""
    from bestvalue.warehouse import derived_sql

    assert derived_sql.derived_sql() == derived_sql.generate()
    assert list(derived_sql.derived_sql()) == [
        "processes",
        "items",
        "awards",
        "contracts",
        "parties",
    ]


def test_an_ingest_and_a_query_do_not_load_ibis(tmp_path):
    """A quarter of a second of every run (import and SQL writing), for nothing it needs."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from bestvalue import ingest, open_warehouse\n"
        f"with open_warehouse({str(tmp_path / 'w.duckdb')!r}) as w:\n"
        f"    ingest([{str(ROOT / 'tests/fixtures/ocds/mexico-jalisco')!r}], w)\n"
        "    w.sql('SELECT count(*) FROM processes')\n"
        "print('ibis' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
