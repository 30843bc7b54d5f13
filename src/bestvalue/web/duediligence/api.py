"""Gap assessments in the REST API: the same rules as the pages (another agency's are not found,
only administrators and analysts create), scores computed by the core on the way out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.request import Request

from ...duediligence import gap_analysis, questionnaire
from ..agencies.access import BoundedLookup, agency_for, require
from .models import GapAssessment


class GapAssessmentSerializer(serializers.ModelSerializer[GapAssessment]):
    overall = serializers.FloatField(read_only=True)
    themes = serializers.DictField(child=serializers.FloatField(), read_only=True)
    unanswered = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = GapAssessment
        fields = ["id", "date", "answers", "created", "overall", "themes", "unanswered"]
        read_only_fields = ["id", "created", "overall", "themes", "unanswered"]

    def validate_answers(self, value: Any) -> dict[str, Any]:
        """Question ids and levels as the answers files take them (a bare level or an object)."""
        if not isinstance(value, dict):
            raise serializers.ValidationError("an object mapping question ids to answers")
        known = {q["id"] for q in questionnaire()["questions"]}
        clean = {}
        for qid, answer in value.items():
            if qid not in known:
                raise serializers.ValidationError(f"unknown question {qid!r}")
            entry = answer if isinstance(answer, dict) else {"level": answer}
            if entry.get("level") not in (None, 0, 1, 2, 3):
                raise serializers.ValidationError(f"{qid}: level must be 0, 1, 2, 3 or null")
            clean[qid] = {"level": entry.get("level"), "evidence": str(entry.get("evidence", ""))}
        return clean

    def to_representation(self, instance: GapAssessment) -> dict[str, Any]:
        """The stored answers, and the scores the core gives them (computed once per object)."""
        data = super().to_representation(instance)
        report = gap_analysis(instance.document(), "en")
        data["overall"] = float(report.overall)
        data["themes"] = {k: float(v) for k, v in report.themes.items()}
        data["unanswered"] = list(report.unanswered)
        return data


class GapAssessmentViewSet(BoundedLookup, viewsets.ModelViewSet[GapAssessment]):
    serializer_class = GapAssessmentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.agency, role = agency_for(request.user, self.kwargs["agency_pk"])
        require(role, "gap_edit" if request.method == "POST" else "gap_view")

    def get_queryset(self) -> Any:
        return GapAssessment.objects.filter(agency=self.agency)

    def perform_create(self, serializer: Any) -> None:
        serializer.save(agency=self.agency, created_by=self.request.user)
