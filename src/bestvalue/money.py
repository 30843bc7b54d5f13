"""Money: amounts to US dollars at the annual average rate of their year, and to constant dollars.

Rates are the shipped World Bank / ECB table (``data/money``), optionally overridden by a user
file whose every row names its source. A missing rate never becomes zero: the converted amount
stays empty and ``fx_status`` says why, so coverage reports can show what could not be converted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from . import refdata
from .errors import InputError, Location
from .messages import message
from .refdata import user_rows

__all__ = ["FX_STATUSES", "convert", "cpi_table", "latest_cpi_year", "rate_table"]

FX_STATUSES = ("ok", "no_amount", "no_currency", "no_date", "no_rate")


def rate_table(overrides: Sequence[str | Path] = ()) -> pa.Table:
    """``currency, year, lcu_per_usd, source``: shipped rates, then the user's rows on top."""
    frame = refdata.load("money", "fx")
    res = refdata.resource("money", "fx")
    rates = {
        (c, int(y)): (float(v), f"{s} ({res.meta['path']})")
        for c, y, v, s in zip(
            frame.currency, frame.year, frame.lcu_per_usd, frame.source_indicator, strict=True
        )
    }
    for path in overrides:
        rates.update(_read_overrides(Path(path)))
    keys = sorted(rates)
    return pa.table(
        {
            "currency": [k[0] for k in keys],
            "year": pa.array([k[1] for k in keys], pa.int32()),
            "lcu_per_usd": [rates[k][0] for k in keys],
            "source": [rates[k][1] for k in keys],
        }
    )


def _read_overrides(path: Path) -> dict[tuple[str, int], tuple[float, str]]:
    out: dict[tuple[str, int], tuple[float, str]] = {}
    for line, row in user_rows(
        path, {"currency", "year", "lcu_per_usd", "source"}, "what_rates_file"
    ):
        try:
            value, year = float(row["lcu_per_usd"]), int(row["year"])
        except ValueError:
            reason = message("rate_not_number", row=repr(row))
            raise InputError(str(path), reason, Location(line=line)) from None
        if value <= 0 or not row["source"].strip() or len(row["currency"].strip()) != 3:
            raise InputError(
                str(path),
                message("rate_row_incomplete", row=repr(row)),
                Location(line=line),
            )
        out[(row["currency"].strip().upper(), year)] = (value, f"user: {row['source'].strip()}")
    return out


def cpi_table() -> pa.Table:
    frame = refdata.load("money", "cpi")
    return pa.table(
        {
            "year": pa.array(frame.year.astype(int), pa.int32()),
            "cpi": frame["cpi_u_nsa_1982_84_100"].astype(float),
        }
    )


def latest_cpi_year() -> int:
    return int(max(cpi_table().column("year").to_pylist()))


def convert(
    t: ir.Table,
    *,
    rates: pa.Table | None = None,
    base_year: int | None = None,
) -> ir.Table:
    """Add ``amount_usd``, ``amount_usd_const`` (of ``base_year``) and ``fx_status`` to ``t``.

    ``t`` needs ``amount``, ``currency`` and ``year``. USD needs no rate; constant dollars need
    the CPI of both years (an amount whose year has no CPI keeps ``amount_usd_const`` empty).
    """
    cpi_rows = cpi_table()
    by_year = dict(zip(cpi_rows["year"].to_pylist(), cpi_rows["cpi"].to_pylist(), strict=True))
    base_year = base_year or max(by_year)
    base_cpi = float(by_year.get(base_year, float("nan")))
    fx = ibis.memtable(rates if rates is not None else rate_table())
    cpi = ibis.memtable(cpi_rows)
    t = t.mutate(_year=t.year.cast("int32"))
    fx = fx.select(_cur=fx.currency, _fy=fx.year, _rate=fx.lcu_per_usd)
    joined = t.left_join(fx, [t.currency == fx._cur, t._year == fx._fy])
    cpi = cpi.select(_cy=cpi.year, _cpi=cpi.cpi)
    joined = joined.left_join(cpi, joined._year == cpi._cy)
    usd = ibis.cases((joined.currency == "USD", joined.amount), else_=joined.amount / joined._rate)
    status = ibis.cases(
        (joined.amount.isnull(), "no_amount"),
        (joined.currency.isnull(), "no_currency"),
        (joined.currency == "USD", "ok"),
        (joined._year.isnull(), "no_date"),
        (joined._rate.isnull(), "no_rate"),
        else_="ok",
    )
    out = joined.mutate(amount_usd=usd, fx_status=status)
    out = out.mutate(amount_usd_const=out.amount_usd * ibis.literal(base_cpi) / out._cpi)
    return out.drop("_year", "_cur", "_fy", "_rate", "_cy", "_cpi")
