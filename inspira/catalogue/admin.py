"""The Django admin is a tool for technical staff: it shows the documentation but changes nothing.
Sites publish through the product, where the rules are."""

from django.contrib import admin

from inspira.catalogue.models import DocumentationImage, SiteDocumentation


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentationImageInline(ReadOnlyMixin, admin.TabularInline):
    model = DocumentationImage
    extra = 0


@admin.register(SiteDocumentation)
class SiteDocumentationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["certification", "is_published", "first_published_at", "updated_at"]
    list_filter = ["is_published"]
    list_select_related = ["certification__school"]
    inlines = [DocumentationImageInline]
