"""Template filters that say the core's messages (refusals, errors) and figures in the reader's
language.

The core stores and returns them in English (see :mod:`bestvalue.messages`); a page, and the
API's ``_localized`` fields, say them again in the language Django chose for the request.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from ....economics.montecarlo import DISTRIBUTIONS
from ....messages import say, say_location
from ....numbers import figures

register = template.Library()


def _lang() -> str:
    return (get_language() or "en").split("-")[0]


@register.filter(name="say")
def say_filter(text: Any) -> str:
    """A refusal or error message in the page's language."""
    return say(text, _lang())


@register.filter(name="say_location")
def say_location_filter(text: Any) -> str:
    """A place in a file (``line 3, at /releases/0``) in the page's language."""
    return say_location(text, _lang())


@register.filter(name="figures")
def figures_filter(values: Any) -> str:
    """An input's figures (``0,035; 0,06; 0,1`` in Spanish) as the page's language writes them."""
    return figures([float(v) for v in values], _lang())


@register.filter(name="distribution")
def distribution_filter(name: str) -> str:
    """A distribution's name (``fixed``: ``fija`` in Spanish) in the page's language."""
    return DISTRIBUTIONS[name][1].get(_lang(), name) if name in DISTRIBUTIONS else name
