"""The REST API: the same resources and the same permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import provenance
from ...categories.taxonomy import LEVELS
from ...frames import records
from . import jobs, services
from .access import BoundedLookup, agencies_of, agency_for, require
from .forms import check_server_path
from .models import Agency, Upload
from .templatetags.bestvalue_text import say_filter, say_location_filter


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "name", "country", "created"]


class UploadSerializer(serializers.ModelSerializer[Upload]):
    """``rejects`` and ``error`` keep the core's English, one text whatever the reader's
    language (to match on, or to report); the ``_localized`` fields say them again in the
    request's language, as the upload's page does."""

    rejects_localized = serializers.SerializerMethodField()
    error_localized = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = [
            "id",
            "created",
            "source",
            "status",
            "phase",
            "progress",
            "processes",
            "releases",
            "skipped",
            "rejects",
            "error",
            "rejects_localized",
            "error_localized",
        ]
        read_only_fields = [f for f in fields if f != "source"]

    def get_rejects_localized(self, upload: Upload) -> list[dict[str, str]]:
        return [
            {
                **r,
                "location": say_location_filter(r.get("location")),
                "reason": say_filter(r.get("reason")),
            }
            for r in upload.rejects
        ]

    def get_error_localized(self, upload: Upload) -> str:
        return say_filter(upload.error)

    def validate_source(self, value: str) -> str:
        """The API loads files already on the server, from the allowed folders only."""
        try:
            return check_server_path(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc


def _choose_from(choices: Any) -> str:
    """A refused choice's message, in the request's language (as DRF's own messages are)."""
    return gettext("choose from %(choices)s") % {"choices": ", ".join(choices)}


class SpendRowSerializer(serializers.Serializer[dict[str, Any]]):
    category_code = serializers.CharField(allow_null=True)
    category_name_en = serializers.CharField()
    category_name_es = serializers.CharField()
    amount = serializers.FloatField()
    share = serializers.FloatField()
    processes = serializers.IntegerField()
    suppliers = serializers.IntegerField()


class AgencyViewSet(BoundedLookup, viewsets.ReadOnlyModelViewSet[Agency]):
    serializer_class = AgencySerializer

    def get_queryset(self) -> Any:
        return agencies_of(self.request.user)

    def _agency(self, pk: Any, action_name: str) -> Agency:
        agency, role = agency_for(self.request.user, pk)
        require(role, action_name)
        return agency

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=list(LEVELS)),
            OpenApiParameter("prefix", str),
        ],
        responses=SpendRowSerializer(many=True),
    )
    @action(detail=True)
    def spend(self, request: Request, pk: Any = None) -> Response:
        agency = self._agency(pk, "view_data")
        level = request.query_params.get("level", "segment")
        if level not in LEVELS:
            return Response({"level": _choose_from(LEVELS)}, status=status.HTTP_400_BAD_REQUEST)
        try:
            table = services.spend_table(agency, level, request.query_params.get("prefix", ""))
        except services.NoData as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(records(table, list(SpendRowSerializer().fields)))

    @action(detail=True)
    def priorities(self, request: Request, pk: Any = None) -> Response:
        agency = self._agency(pk, "view_data")
        try:
            return Response(services.priority_records(agency))
        except services.NoData as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


class UploadViewSet(BoundedLookup, viewsets.ModelViewSet[Upload]):
    serializer_class = UploadSerializer
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Access first: another agency is not found, a forbidden action is refused, before any
        validation can say anything about the request."""
        super().initial(request, *args, **kwargs)
        self.agency, role = agency_for(request.user, self.kwargs["agency_pk"])
        require(role, "upload" if request.method == "POST" else "view_data")

    def get_queryset(self) -> Any:
        return Upload.objects.filter(agency=self.agency)

    def perform_create(self, serializer: Any) -> None:
        upload = serializer.save(agency=self.agency, created_by=self.request.user)
        jobs.submit(upload.pk)


LANGS = ("en", "es")  # what the sources come in (Portuguese and French: English until translated)


class _SourceSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    title = serializers.CharField()
    edition = serializers.CharField()
    licence = serializers.CharField()
    address = serializers.CharField()


class DatasetSerializer(_SourceSerializer):
    assumption = serializers.BooleanField()


class IndicatorSerializer(_SourceSerializer):
    publisher = serializers.CharField()
    countries = serializers.IntegerField()
    americas = serializers.CharField()
    imported = serializers.BooleanField()


class SourcesSerializer(serializers.Serializer[dict[str, Any]]):
    datasets = DatasetSerializer(many=True)
    indicators = IndicatorSerializer(many=True)


class SourcesView(APIView):
    """What every figure rests on: the shipped tables and the risk indicators (as the sources
    page and ``bestvalue sources`` / ``indicators list``), titles and licences in ``lang``."""

    @extend_schema(
        parameters=[OpenApiParameter("lang", str, enum=list(LANGS))],
        responses=SourcesSerializer,
    )
    def get(self, request: Request) -> Response:
        lang = request.query_params.get("lang", "en")
        if lang not in LANGS:
            return Response({"lang": _choose_from(LANGS)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"datasets": provenance.datasets(lang), "indicators": provenance.indicator_rows(lang)}
        )


class TokenRequestSerializer(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField(min_length=1)
    password = serializers.CharField(min_length=1, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()


class ObtainToken(ObtainAuthToken):
    """DRF's token view, documented as it behaves (an empty name or password is refused)."""

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)
