"""Life-cycle cost in the form of EU Directive 2014/24/EU art. 68 and NIST Handbook 135.

LCC = A + Σₜ₌₁..T (E+M+O)·(1+e)^(t−1)/(1+d)^t + (D − R)/(1+d)^T + Σₜ Xₜ·p/(1+d)^t

A acquisition; E, M, O yearly energy, maintenance and other operating costs in year-1 prices,
escalating at e; D end-of-life cost and R residual value at year T; X yearly emissions (e.g.
tonnes CO2e) priced at the shadow price p. Only environmental externalities enter the LCC (as EU
law allows); human-rights criteria stay apart, as quality criteria or contract conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..messages import message

__all__ = ["LifeCycle", "lcc"]


@dataclass(frozen=True)
class LifeCycle:
    acquisition: float
    years: int
    discount_rate: float
    energy: float = 0.0
    maintenance: float = 0.0
    operation: float = 0.0
    escalation: float = 0.0
    end_of_life: float = 0.0
    residual_value: float = 0.0
    emissions: float = 0.0  # per year, e.g. tonnes CO2e
    shadow_price: float = 0.0  # per unit of emissions
    extra: dict[str, float] = field(default_factory=dict)


def lcc(c: LifeCycle) -> dict[str, float]:
    """The LCC and its parts, each discounted to year 0."""
    if c.years < 1 or c.discount_rate <= -1:
        raise ValueError(message("lcc_bounds"))
    running = c.energy + c.maintenance + c.operation
    factor = [
        (1 + c.escalation) ** (t - 1) / (1 + c.discount_rate) ** t for t in range(1, c.years + 1)
    ]
    plain = [1 / (1 + c.discount_rate) ** t for t in range(1, c.years + 1)]
    parts = {
        "acquisition": c.acquisition,
        "operation": running * sum(factor),
        "end_of_life": (c.end_of_life - c.residual_value) / (1 + c.discount_rate) ** c.years,
        "externalities": c.emissions * c.shadow_price * sum(plain),
    }
    parts["total"] = sum(parts.values())
    return parts
