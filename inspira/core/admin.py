"""Pieces the apps' Django admin modules share."""


class ReadOnlyAdminMixin:
    """For a ``ModelAdmin`` or an inline whose rows change only through the services (which check,
    lock and audit): the Django admin may show them, never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
