"""The Django admin is a tool for technical staff: it shows the documentation but changes nothing.
Sites publish through the product, where the rules are."""

from django.contrib import admin

from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.core.admin import ReadOnlyAdminMixin


class DocumentationImageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentationImage
    extra = 0


@admin.register(SiteDocumentation)
class SiteDocumentationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["certification", "is_published", "first_published_at", "updated_at"]
    list_filter = ["is_published"]
    list_select_related = ["certification__school"]
    inlines = [DocumentationImageInline]
