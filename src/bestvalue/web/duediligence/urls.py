from django.urls import path

from . import api, views

urlpatterns = [
    path("agencies/<int:pk>/gap/", views.gap_list, name="gap_list"),
    path("agencies/<int:pk>/gap/new/", views.gap_new, name="gap_new"),
    path("agencies/<int:pk>/gap/<int:gap>/", views.gap_detail, name="gap_detail"),
    path(
        "agencies/<int:pk>/gap/<int:gap>/<str:kind>.<str:fmt>",
        views.gap_download,
        name="gap_download",
    ),
    path("agencies/<int:pk>/tender-package/", views.tender, name="tender"),
    path("agencies/<int:pk>/economics/", views.economics, name="economics"),
    path("agencies/<int:pk>/bids/", views.bids, name="bids"),
    path(
        "api/agencies/<int:agency_pk>/gap-assessments/",
        api.GapAssessmentViewSet.as_view({"get": "list", "post": "create"}),
        name="api_gap_assessments",
    ),
    path(
        "api/agencies/<int:agency_pk>/gap-assessments/<int:pk>/",
        api.GapAssessmentViewSet.as_view({"get": "retrieve"}),
        name="api_gap_assessment",
    ),
]
