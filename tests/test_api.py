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
