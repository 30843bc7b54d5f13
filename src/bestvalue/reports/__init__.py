"""Reports people read: the country assessment (HTML, PDF, tables, JSON), in English and Spanish."""

from __future__ import annotations

from .assess import Assessment, assess
from .i18n import LANGUAGES, REPORT_LANGUAGES, t

__all__ = ["LANGUAGES", "REPORT_LANGUAGES", "Assessment", "assess", "t"]
