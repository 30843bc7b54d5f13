"""Uncertain inputs as distributions; vectorised draws, reproducible with a seed; P10/P50/P90,
the probability of a saving, and sensitivity (tornado swings and Sobol first-order indices)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..messages import message

__all__ = ["DISTRIBUTIONS", "Param", "Summary", "sample", "simulate", "summarise"]

Model = Callable[[Mapping[str, np.ndarray]], np.ndarray]
# Each distribution: how many values it takes, and its name as a reader sees it.
DISTRIBUTIONS = {
    "fixed": (1, {"en": "fixed", "es": "fija"}),
    "triangular": (3, {"en": "triangular", "es": "triangular"}),
    "pert": (3, {"en": "PERT", "es": "PERT"}),
    "lognormal": (2, {"en": "lognormal", "es": "lognormal"}),
}


@dataclass(frozen=True)
class Param:
    """``fixed`` (value), ``triangular``/``pert`` (low, mode, high), ``lognormal`` (median, p90)."""

    name: str
    kind: str
    values: tuple[float, ...]
    source: str

    @classmethod
    def read(cls, name: str, spec: Mapping[str, Any]) -> Param:
        kind = spec.get("distribution", "fixed")
        values = (
            tuple(float(v) for v in spec["values"]) if "values" in spec else (float(spec["value"]),)
        )
        if kind not in DISTRIBUTIONS or len(values) != DISTRIBUTIONS[kind][0]:
            raise ValueError(
                message(
                    "distribution_values",
                    name=name,
                    distribution=repr(kind),
                    expected=DISTRIBUTIONS[kind][0] if kind in DISTRIBUTIONS else "?",
                    count=len(values),
                )
            )
        if kind in ("triangular", "pert") and not values[0] <= values[1] <= values[2]:
            raise ValueError(message("low_mode_high", name=name))
        if not spec.get("source"):
            raise ValueError(message("parameter_needs_source", name=name))
        return cls(name, kind, values, str(spec["source"]))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        v = self.values
        if self.kind == "fixed":
            return np.full(n, v[0])
        if self.kind == "triangular":
            return rng.triangular(v[0], v[1], v[2], n) if v[0] < v[2] else np.full(n, v[1])
        if self.kind == "pert":
            if v[0] == v[2]:
                return np.full(n, v[1])
            a = 1 + 4 * (v[1] - v[0]) / (v[2] - v[0])
            b = 1 + 4 * (v[2] - v[1]) / (v[2] - v[0])
            return v[0] + rng.beta(a, b, n) * (v[2] - v[0])
        sigma = np.log(v[1] / v[0]) / 1.2815515655446004  # p90 = median · e^(1.2816 σ)
        return v[0] * np.exp(sigma * rng.standard_normal(n))

    def quantile(self, q: float, rng: np.random.Generator) -> float:
        return float(np.quantile(self.draw(rng, 20_000), q))


@dataclass
class Summary:
    draws: int
    p10: float
    p50: float
    p90: float
    mean: float
    probability_positive: float
    tornado: list[dict[str, float | str]]
    sobol: dict[str, float]


def sample(params: list[Param], n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {p.name: p.draw(rng, n) for p in params}


def _tornado(model: Model, params: list[Param], seed: int) -> list[dict[str, float | str]]:
    rng = np.random.default_rng(seed + 1)
    median = {p.name: np.array([p.quantile(0.5, rng)]) for p in params}
    rows: list[dict[str, float | str]] = []
    for p in params:
        if p.kind == "fixed":
            continue
        low = float(model(median | {p.name: np.array([p.quantile(0.1, rng)])})[0])
        high = float(model(median | {p.name: np.array([p.quantile(0.9, rng)])})[0])
        rows.append({"parameter": p.name, "at_p10": low, "at_p90": high, "swing": abs(high - low)})
    return sorted(rows, key=lambda r: -float(r["swing"]))


def _sobol(model: Model, params: list[Param], n: int, seed: int) -> dict[str, float]:
    """First-order indices by the Saltelli/Jansen estimator (two independent samples A and B)."""
    varying = [p for p in params if p.kind != "fixed"]
    a, b = sample(params, n, seed + 2), sample(params, n, seed + 3)
    fa, fb = model(a), model(b)
    variance = float(np.var(np.concatenate([fa, fb])))
    out = {}
    for p in varying:
        fab = model(a | {p.name: b[p.name]})
        out[p.name] = float(np.mean(fb * (fab - fa)) / variance) if variance > 0 else 0.0
    return out


def simulate(
    model: Model, params: list[Param], draws: int = 100_000, seed: int = 0
) -> tuple[np.ndarray, Summary]:
    values = model(sample(params, draws, seed))
    return values, summarise(values, model, params, seed)


def summarise(values: np.ndarray, model: Model, params: list[Param], seed: int = 0) -> Summary:
    """The summary of ``values``, the model's output on ``sample(params, len(values), seed)``
    (for a caller that already has them), with its sensitivity."""
    draws = len(values)
    p10, p50, p90 = (float(x) for x in np.percentile(values, [10, 50, 90]))
    return Summary(
        draws,
        p10,
        p50,
        p90,
        float(values.mean()),
        float((values > 0).mean()),
        _tornado(model, params, seed),
        _sobol(model, params, min(draws, 20_000), seed),
    )
