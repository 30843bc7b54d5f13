"""HTML (self-contained: styles and charts inside) and PDF (WeasyPrint) from one template."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import jinja2

from ..messages import say, say_location
from ..numbers import figures, number, plain, share
from ..risk.profiles import dimensions
from .i18n import MESSAGES, t

__all__ = ["next_steps", "render_html", "render_pdf"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("bestvalue.reports", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _svg(folder: Path, name: str) -> str:
    data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"


def _money(value: float | None, lang: str) -> str:
    return "" if value is None else number(value, 0, lang)


def _pct(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    return share(value, lang)


def next_steps(priority: dict[str, Any], lang: str) -> list[str]:
    """Steps for the category's most salient dimensions (saliency 2 or more), most salient first."""
    goods = ", ".join(priority["goods"][:4]) or "—"
    ranked = sorted(
        (r for r in priority["risks"] if (r["saliency"] or 0) >= 2),
        key=lambda r: -(r["saliency"] or 0),
    )
    steps = []
    for risk in ranked:
        key = f"step_{risk['dimension']}"
        text = t(key, lang, goods=goods) if key in MESSAGES else None
        if text and text not in steps:
            steps.append(text)
    return steps or [t("step_default", lang)]


def render_html(data: dict[str, Any], folder: Path, lang: str) -> str:
    template = _ENV.get_template("report.html.j2")
    names = dimensions()[f"name_{lang}"].to_dict()
    return template.render(
        d=data,
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        say=lambda text: say(text, lang),
        say_location=lambda text: say_location(text, lang),
        money=lambda value: _money(value, lang),
        pct=lambda value: _pct(value, lang),
        num=lambda value, decimals: number(value, decimals, lang),
        plain=lambda value: plain(value, lang),
        figures=lambda values: figures(values, lang),
        svg=lambda name: _svg(folder, name),
        dim_name=names,
        steps=lambda p: next_steps(p, lang),
    )


def render_pdf(html: str, folder: Path, target: Path) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=str(folder)).write_pdf(target)
