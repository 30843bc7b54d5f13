from django.contrib import admin

from .models import Agency, Membership, Upload


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "country", "created"]
    inlines = [MembershipInline]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["agency", "created", "status", "processes"]
    list_filter = ["status"]
