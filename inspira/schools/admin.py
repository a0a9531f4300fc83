# The Django admin is a tool for technical staff; people use the product's own pages, which
# validate, normalise and audit. Changes made here are not in the audit trail.
from django.contrib import admin

from inspira.core.admin import ReadOnlyAdminMixin
from inspira.schools.models import District, RegisterChange, RegisterImport, RegisterUnit, School, SchoolForm


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


# Skolverket's register: written by the import and the successor form only (with their history and audit),
# so the Django admin shows it and changes nothing.
@admin.register(RegisterUnit)
class RegisterUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit_code", "status", "listed", "organiser_name", "last_imported_at"]
    list_filter = ["status", "listed", "municipality_code"]
    search_fields = ["name", "unit_code", "organiser_name"]


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "municipality_code", "trigger", "outcome", "added", "changed", "closed"]
    list_filter = ["outcome", "trigger"]


@admin.register(RegisterChange)
class RegisterChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "unit", "school", "field", "old_value", "new_value"]
    list_filter = ["field"]
    list_select_related = ["unit", "school"]
