"""What incorporating responsible business conduct in a contract costs, or saves.

Per year t = 1..T, discounted at d:

- due diligence: audits × audit cost + certification premium × annual value + administration,
  plus training once at the start;
- incidents avoided: probability without due diligence × effectiveness × cost of an incident
  (disruption share × annual value + re-tender + litigation + remediation + reputation);
- social value (optional, SROI): quantity × proxy × (1 − deadweight)(1 − displacement)
  (1 − attribution), falling by the drop-off each year.

saving = incidents avoided + social value − due diligence (positive: RBC saves money).

Defaults ship in ``data/economics/defaults.json``, each with its source and marked evidence or
assumption; the incident probability comes from the risk tier of the category in the country.
A file (JSON or YAML) or the command line overrides any of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, Location
from ..messages import message
from ..numbers import number
from ..refdata import bundled_json
from ..userfiles import read_mapping
from .montecarlo import Param, Summary, sample, summarise

__all__ = [
    "LABELS",
    "REQUIRED",
    "SOCIAL",
    "defaults",
    "economic_case",
    "params_from",
    "parts",
    "preset",
    "read_params",
    "risk_tier",
    "saving",
]

REQUIRED = (
    "years",
    "discount_rate",
    "annual_value",
    "audits_per_year",
    "audit_cost",
    "certification_premium",
    "administration_cost",
    "training_cost",
    "incident_probability",
    "effectiveness",
    "disruption_cost",
    "retender_cost",
    "litigation_cost",
    "remediation_cost",
    "reputation_cost",
)
SOCIAL = (
    "social_quantity",
    "social_proxy",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
)
TIER_ES = {"high": "alto", "medium": "medio", "low": "bajo"}
# What people read for each parameter (the identifier stays what files use).
LABELS = {
    "years": ("Contract length (years)", "Duración del contrato (años)"),
    "discount_rate": ("Discount rate", "Tasa de descuento"),
    "annual_value": ("Yearly value of the contract", "Valor anual del contrato"),
    "audits_per_year": ("Audits per year", "Auditorías por año"),
    "audit_cost": ("Cost of an audit", "Costo de una auditoría"),
    "certification_premium": (
        "Certification premium (share of yearly value)",
        "Sobreprecio de certificación (proporción del valor anual)",
    ),
    "administration_cost": ("Administration per year", "Administración por año"),
    "training_cost": ("Training (once)", "Capacitación (una vez)"),
    "incident_probability": (
        "Probability of an incident per year",
        "Probabilidad de un incidente por año",
    ),
    "effectiveness": (
        "Share of incidents due diligence prevents",
        "Proporción de incidentes que evita la debida diligencia",
    ),
    "disruption_cost": (
        "Disruption (share of yearly value)",
        "Interrupción (proporción del valor anual)",
    ),
    "retender_cost": ("Cost of re-tendering", "Costo de volver a licitar"),
    "litigation_cost": ("Litigation per incident", "Litigio por incidente"),
    "remediation_cost": ("Remediation per incident", "Reparación por incidente"),
    "reputation_cost": ("Reputation per incident", "Reputación por incidente"),
    "social_quantity": ("Social outcomes per year", "Resultados sociales por año"),
    "social_proxy": ("Value of one outcome", "Valor de un resultado"),
    "deadweight": ("Deadweight", "Peso muerto"),
    "displacement": ("Displacement", "Desplazamiento"),
    "attribution": ("Attribution to others", "Atribución a otros"),
    "drop_off": ("Drop-off per year", "Caída por año"),
}
HIGH, MEDIUM = 2.5, 1.5  # the most salient risk (0-3) from which a category is high or medium


def defaults() -> dict[str, Any]:
    return bundled_json("economics", "defaults.json")  # type: ignore[no-any-return]


def risk_tier(code: str, country: str) -> tuple[str, float]:
    """high, medium or low, from the category's most salient risk in the country."""
    from ..risk import saliency_of

    top = max(saliency_of(code, country).values(), default=0.0)
    return ("high" if top >= HIGH else "medium" if top >= MEDIUM else "low"), top


def preset(category: str | None = None, country: str | None = None) -> dict[str, dict[str, Any]]:
    """The default parameters; with a category and country, the incident probability of its
    risk tier (without them, the file must give it)."""
    base = defaults()["parameters"]
    specs = {k: dict(v) for k, v in base.items() if k != "incident_probability"}
    if category and country:
        tier, top = risk_tier(category, country)
        spec = base["incident_probability"]
        specs["incident_probability"] = spec["by_tier"][tier] | {
            "unit": spec["unit"],
            "unit_es": spec["unit_es"],
            "kind": spec["kind"],
            "source": f"{spec['source']}. Here: tier {tier}, {category} in {country.upper()}"
            f" (most salient risk {top:.1f} of 3)",
            "source_es": f"{spec['source_es']}. Aquí: nivel {TIER_ES[tier]}, {category} en "
            f"{country.upper()} (riesgo más saliente {number(top, 1, 'es')} de 3)",
        }
    return specs


def read_params(path: str | Path) -> tuple[list[Param], dict[str, Any]]:
    return params_from(read_mapping(path), str(path))


def params_from(doc: Mapping[str, Any], where: str) -> tuple[list[Param], dict[str, Any]]:
    """Defaults (or the category's preset), overridden by ``doc["parameters"]``; checked."""
    specs = preset(doc.get("category"), doc.get("country"))
    given = doc.get("parameters") or {}
    if not isinstance(given, Mapping):
        raise InputError(where, message("parameters_not_map"))
    for name, spec in given.items():
        if name not in REQUIRED + SOCIAL:
            known = ", ".join(REQUIRED + SOCIAL)
            raise InputError(where, message("unknown_parameter", name=repr(name), known=known))
        own = dict(spec) if isinstance(spec, Mapping) else _plain(spec, where)
        specs[name] = _with_unit(own, specs.get(name), name, doc)
    _check_complete(specs, where)
    params = []
    for name, spec in specs.items():
        try:
            params.append(Param.read(name, spec))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(where, str(exc), Location(pointer=f"/parameters/{name}")) from None
    meta = {k: v for k, v in doc.items() if k != "parameters"}
    meta.setdefault("currency", defaults()["currency"])
    return params, meta | {"specs": specs}


def _plain(value: Any, where: str) -> dict[str, Any]:
    """A bare number is a fixed value whose source is the file that gives it."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InputError(where, message("parameter_not_number", value=repr(value)))
    name = Path(where).name
    return {
        "distribution": "fixed",
        "value": value,
        "source": f"given in {name}",
        "source_es": f"indicado en {name}",
    }


def _with_unit(
    spec: dict[str, Any], default: Mapping[str, Any] | None, name: str, doc: Mapping[str, Any]
) -> dict[str, Any]:
    """A value given without a unit keeps the parameter's: the default's, or for the contract's
    yearly value (which has no default) the case's currency per year."""
    if "unit" in spec:
        return spec
    if default and "unit" in default:
        return spec | {"unit": default["unit"], "unit_es": default.get("unit_es", default["unit"])}
    if name == "annual_value":
        currency = doc.get("currency") or defaults()["currency"]
        return spec | {"unit": f"{currency} per year", "unit_es": f"{currency} por año"}
    return spec


def _check_complete(specs: Mapping[str, Any], where: str) -> None:
    missing = [k for k in REQUIRED if k not in specs]
    if missing:
        raise InputError(where, message("parameters_missing", missing=", ".join(missing)))
    social = [k for k in SOCIAL if k in specs]
    if social and len(social) < len(SOCIAL):
        lacking = ", ".join(k for k in SOCIAL if k not in specs)
        raise InputError(where, message("social_incomplete", missing=lacking))


def _annuity(d: np.ndarray, years: np.ndarray, keep: np.ndarray | float = 1.0) -> np.ndarray:
    """Σₜ₌₁..T keep^(t−1) / (1+d)^t, vectorised (keep < 1: a value that drops off)."""
    r = keep / (1 + d)
    same = np.isclose(r, 1.0)
    geometric = (1 - r**years) / np.where(same, 1.0, 1 - r)
    return np.where(same, years, geometric) / (1 + d)


def parts(x: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Present values per draw: due-diligence cost, incident costs avoided, social value, saving."""
    years = np.maximum(np.round(x["years"]), 1)
    a = _annuity(x["discount_rate"], years)
    value = x["annual_value"]
    yearly = (
        x["audits_per_year"] * x["audit_cost"]
        + x["certification_premium"] * value
        + x["administration_cost"]
    )
    due_diligence = yearly * a + x["training_cost"]
    incident = (
        x["disruption_cost"] * value
        + x["retender_cost"]
        + x["litigation_cost"]
        + x["remediation_cost"]
        + x["reputation_cost"]
    )
    avoided = np.clip(x["incident_probability"], 0, 1) * x["effectiveness"] * incident * a
    social = _social(x, years) if "social_proxy" in x else np.zeros_like(avoided)
    return {
        "due_diligence": due_diligence,
        "incidents_avoided": avoided,
        "social_value": social,
        "saving": avoided + social - due_diligence,
    }


def _social(x: Mapping[str, np.ndarray], years: np.ndarray) -> np.ndarray:
    net = (1 - x["deadweight"]) * (1 - x["displacement"]) * (1 - x["attribution"])
    keep = 1 - x["drop_off"]
    return (
        x["social_quantity"] * x["social_proxy"] * net * _annuity(x["discount_rate"], years, keep)
    )


def _kind(spec: Mapping[str, Any]) -> str:
    """evidence or assumption as the defaults mark them; anything a user gives is 'given'."""
    kind = spec.get("kind")
    return kind if kind in ("evidence", "assumption") else "given"


def saving(x: Mapping[str, np.ndarray]) -> np.ndarray:
    """Net present saving of RBC per draw (positive: RBC saves money)."""
    return parts(x)["saving"]


def economic_case(
    source: str | Path | Mapping[str, Any],
    draws: int = 100_000,
    seed: int = 0,
    where: str = "parameters",
) -> tuple[np.ndarray, Summary, dict[str, Any]]:
    """The Monte Carlo of the saving for a parameters file or an equivalent mapping (``where``
    names it in error messages)."""
    if isinstance(source, Mapping):
        params, meta = params_from(source, where)
    else:
        params, meta = read_params(source)
    blocks = parts(sample(params, draws, seed))  # drawn once: the saving and its blocks
    values = blocks["saving"]
    summary = summarise(values, saving, params, seed)
    means = {k: float(v.mean()) for k, v in blocks.items()}
    specs = meta.pop("specs")
    meta["expected"] = means
    meta["parameters"] = [
        {
            "name": p.name,
            "label_en": LABELS[p.name][0],
            "label_es": LABELS[p.name][1],
            "distribution": p.kind,
            "values": list(p.values),
            "unit": specs[p.name].get("unit", ""),
            "unit_es": specs[p.name].get("unit_es") or specs[p.name].get("unit", ""),
            "kind": _kind(specs[p.name]),
            "source": p.source,
            "source_es": specs[p.name].get("source_es") or p.source,
        }
        for p in params
    ]
    return values, summary, meta
