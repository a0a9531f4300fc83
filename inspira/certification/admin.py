"""The Django admin is a tool for technical staff: it shows applications but changes nothing. The
status trail in particular is append-only."""

from django.contrib import admin

from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    ApplicationStatusChange,
    Endorsement,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanItemInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationPlanItem
    extra = 0


class ContactInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationContact
    extra = 0


class ImageInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationImage
    extra = 0


class EndorsementInline(ReadOnlyMixin, admin.TabularInline):
    model = Endorsement
    extra = 0
    exclude = ["token_hash"]


class StatusChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationStatusChange
    extra = 0


@admin.register(Application)
class ApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "school", "team_name", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["school__name", "team_name", "area_title"]
    list_select_related = ["school"]
    inlines = [PlanItemInline, ContactInline, ImageInline, EndorsementInline, StatusChangeInline]


@admin.register(ApplicationStatusChange)
class ApplicationStatusChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "actor_description", "at"]
    list_filter = ["to_status"]
    list_select_related = ["application__school"]
