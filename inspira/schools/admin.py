# The Django admin is a tool for technical staff; people use the product's own pages, which
# validate, normalise and audit. Changes made here are not in the audit trail.
from django.contrib import admin

from inspira.core.admin import ReadOnlyAdminMixin
from inspira.schools.models import District, School, SchoolForm


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(SchoolForm)
class SchoolFormAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The school forms are fixed rows created by a migration; code relies on their codes."""

    list_display = ["__str__", "code", "position"]
    readonly_fields = ["code", "position"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_code", "organisation_number", "district"]
    list_filter = ["district", "school_forms"]
    search_fields = ["name", "unit_code", "organisation_number"]
    list_select_related = ["district"]
    filter_horizontal = ["school_forms"]
    readonly_fields = ["created_at", "updated_at"]
