"""Conversion to USD and constant USD, the shipped reference data, and the user's own rates."""

from __future__ import annotations

import math

import ibis
import pyarrow as pa
import pytest

from bestvalue import InputError, refdata
from bestvalue.money import convert, cpi_table, rate_table


def _convert(rows: list[dict], **options) -> list[dict]:
    schema = pa.schema(
        [
            ("n", pa.int32()),
            ("amount", pa.float64()),
            ("currency", pa.string()),
            ("year", pa.int32()),
        ]
    )
    numbered = [{"n": i, **row} for i, row in enumerate(rows)]
    table = ibis.memtable(pa.Table.from_pylist(numbered, schema=schema))
    return convert(table, **options).order_by("n").to_pyarrow().to_pylist()


def _shipped(currency: str, year: int) -> float:
    fx = refdata.load("money", "fx")
    row = fx[(fx.currency == currency) & (fx.year == year)]
    return float(row.lcu_per_usd.iloc[0])


def test_amounts_convert_at_the_rate_of_their_year():
    rows = _convert(
        [
            {"amount": 7560.24758837744, "currency": "PYG", "year": 2024},
            {"amount": 1_000_000.0, "currency": "COP", "year": 2016},
            {"amount": 250.0, "currency": "USD", "year": None},
        ]
    )
    assert rows[0]["amount_usd"] == pytest.approx(1.0)
    assert rows[1]["amount_usd"] == pytest.approx(1_000_000 / _shipped("COP", 2016))
    assert 300 < rows[1]["amount_usd"] < 360  # COP averaged about 3,050 per USD in 2016
    assert rows[2]["amount_usd"] == 250.0 and rows[2]["fx_status"] == "ok"


def test_a_missing_rate_is_flagged_never_zero():
    rows = _convert(
        [
            {"amount": 100.0, "currency": "VES", "year": 2020},  # no rate shipped
            {"amount": 100.0, "currency": "PEN", "year": 2024},  # the WDI gap
            {"amount": 100.0, "currency": None, "year": 2020},
            {"amount": 100.0, "currency": "MXN", "year": None},
            {"amount": None, "currency": "MXN", "year": 2020},
        ]
    )
    assert [r["fx_status"] for r in rows] == [
        "no_rate",
        "no_rate",
        "no_currency",
        "no_date",
        "no_amount",
    ]
    assert all(r["amount_usd"] is None for r in rows)


def test_constant_dollars_use_the_cpi_of_both_years():
    cpi = dict(zip(*cpi_table().to_pydict().values(), strict=True))
    rows = _convert([{"amount": 100.0, "currency": "USD", "year": 2015}], base_year=2024)
    assert rows[0]["amount_usd_const"] == pytest.approx(100 * cpi[2024] / cpi[2015])
    assert rows[0]["amount_usd_const"] > 130  # US prices rose about a third from 2015 to 2024


def test_user_rates_fill_gaps_and_name_their_source(tmp_path):
    extra = tmp_path / "rates.csv"
    extra.write_text(
        "currency,year,lcu_per_usd,source\nPEN,2024,3.75,Banco Central de Reserva del Peru\n"
    )
    rates = rate_table([extra])
    row = [r for r in rates.to_pylist() if r["currency"] == "PEN" and r["year"] == 2024][0]
    assert row["source"] == "user: Banco Central de Reserva del Peru"
    out = _convert([{"amount": 375.0, "currency": "PEN", "year": 2024}], rates=rates)
    assert out[0]["amount_usd"] == pytest.approx(100.0)
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,year,lcu_per_usd,source\nPEN,2024,0,someone\n")
    with pytest.raises(InputError) as err:
        rate_table([bad])
    assert "bad.csv" in str(err.value) and "line 2" in str(err.value)


@pytest.mark.parametrize("res", refdata.catalogue(), ids=lambda r: f"{r.package}/{r.name}")
def test_every_shipped_table_names_its_source(res):
    assert res.sha256() == res.meta["sha256"], "the file changed: update its descriptor"
    assert res.title and res.edition and res.licence and res.address
    if res.meta.get("curated"):  # our own text: its basis, and the sources it cites inside
        assert res.meta["basis"] and refdata.bundled_json(res.package, res.meta["path"])
        return
    assert res.address.startswith("https://")
    frame = refdata.load(res.package, res.name)
    assert list(frame.columns) == [f["name"] for f in res.meta["schema"]["fields"]]
    assert len(frame) > 0 and not math.isnan(float(len(frame)))


@pytest.mark.parametrize("res", refdata.catalogue(), ids=lambda r: f"{r.package}/{r.name}")
def test_every_shipped_table_has_its_spanish_title(res):
    assert res.title_in("es") != res.title and res.title_in("en") == res.title
    assert res.title_in("fr") == res.title  # prepared: English until it has its own
    # Its licence in Spanish, and its edition where words (not a version number) name it.
    assert res.licence_in("es") != res.licence and res.licence_in("en") == res.licence
    assert res.edition_in("es") != res.edition or not any(
        word in res.edition.split() for word in ("edition", "revision", "from", "of", "about")
    )
