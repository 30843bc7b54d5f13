"""The gap analysis form is built from the questionnaire, in the page's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ...categories.taxonomy import unspsc_code
from ...duediligence import FORMATS, questionnaire


class GapForm(forms.Form):
    date = forms.DateField(label=_("Date of the assessment"), initial=dt.date.today)

    def __init__(
        self, *args: Any, lang: str = "en", initial_answers: dict | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        previous = initial_answers or {}
        for item in questionnaire()["questions"]:
            choices = [("", _("Not answered"))] + [
                (str(i), f"{i}. {level[lang]}") for i, level in enumerate(item["levels"])
            ]
            before = previous.get(item["id"], {})
            level = before.get("level") if isinstance(before, dict) else before
            self.fields[f"level_{item['id']}"] = forms.ChoiceField(
                label=f"{item['id']}. {item['text'][lang]} ({item['principles']})",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial="" if level is None else str(level),
            )
            self.fields[f"evidence_{item['id']}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=before.get("evidence", "") if isinstance(before, dict) else "",
            )

    def answers(self) -> dict[str, dict[str, Any]]:
        out = {}
        for item in questionnaire()["questions"]:
            level = self.cleaned_data.get(f"level_{item['id']}")
            out[item["id"]] = {
                "level": int(level) if level not in (None, "") else None,
                "evidence": self.cleaned_data.get(f"evidence_{item['id']}", ""),
            }
        return out

    def questions(self) -> list[tuple[Any, Any]]:
        """(level field, evidence field) per question, for the template."""
        return [
            (self[f"level_{item['id']}"], self[f"evidence_{item['id']}"])
            for item in questionnaire()["questions"]
        ]


LANGS = [("en", "English"), ("es", "Español")]


class TenderForm(forms.Form):
    category = forms.CharField(
        label=_("Category (UNSPSC code)"), max_length=8, help_text=_("For example 53100000.")
    )
    lang = forms.ChoiceField(label=_("Language of the package"), choices=LANGS)
    fmt = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS])

    def clean_category(self) -> str:
        code = unspsc_code(self.cleaned_data["category"])
        if code is None:
            raise forms.ValidationError(_("That is not a UNSPSC code."))
        return code


class EconomicsForm(forms.Form):
    category = forms.CharField(label=_("Category (UNSPSC code)"), max_length=8)
    value = forms.DecimalField(
        label=_("Yearly value of the contract (USD)"), min_value=0, max_digits=16, decimal_places=2
    )
    years = forms.IntegerField(
        label=_("Length of the contract (years)"), min_value=1, max_value=30, initial=3
    )

    clean_category = TenderForm.clean_category


class BidsForm(forms.Form):
    file = forms.FileField(
        label=_("Bids (the workbook from the template, or JSON or YAML)"),
        help_text=_("Sheets tender, criteria and bids."),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".xlsx", ".json", ".yaml", ".yml")):
            raise forms.ValidationError(_("Give an .xlsx, .json or .yaml file."))
        return uploaded
