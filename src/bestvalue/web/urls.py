from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from .agencies import api, views

router = DefaultRouter()
router.register("agencies", api.AgencyViewSet, basename="agency")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sources/", views.sources, name="sources"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/uploads/new/", views.upload_new, name="upload_new"),
    path("agencies/<int:pk>/members/", views.members, name="members"),
    path("agencies/<int:pk>/uploads/<int:upload>/", views.upload_detail, name="upload_detail"),
    path("agencies/<int:pk>/assessment/<str:lang>.<str:fmt>", views.assessment, name="assessment"),
    path("agencies/<int:pk>/charts/<str:kind>.svg", views.chart, name="chart"),
    path("agencies/<int:pk>/value-chains/<str:code>.svg", views.value_chain, name="value_chain"),
    path("", include("bestvalue.web.duediligence.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path(
        "api/agencies/<int:agency_pk>/uploads/",
        api.UploadViewSet.as_view({"get": "list", "post": "create"}),
        name="api_uploads",
    ),
    path(
        "api/agencies/<int:agency_pk>/uploads/<int:pk>/",
        api.UploadViewSet.as_view({"get": "retrieve"}),
        name="api_upload",
    ),
    path("api/token/", api.ObtainToken.as_view(), name="api_token"),
    path("api/sources/", api.SourcesView.as_view(), name="api_sources"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get JSON for a URL that matches nothing, as for any other 404 of the API."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found
