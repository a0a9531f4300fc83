"""The Django admin is a tool for technical staff: it shows visits but changes nothing. Places,
bookings and their emails change only through the services, which lock and count."""

from django.contrib import admin

from inspira.visits.models import (
    Booking,
    BookingOutcomeChange,
    Feedback,
    Occasion,
    SchoolVisitSettings,
    SiteVisitSettings,
    WaitingListEntry,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Occasion)
class OccasionAdmin(ReadOnlyAdmin):
    list_display = ["date", "slot", "start_time", "end_time", "certification", "capacity", "cancelled_at"]
    list_filter = ["slot"]
    date_hierarchy = "date"
    list_select_related = ["certification__school"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["occasion", "school", "participants", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["school__name", "contact_name", "contact_email"]
    list_select_related = ["occasion", "school"]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(ReadOnlyAdmin):
    list_display = ["occasion", "school", "participants", "status", "created_at", "offer_expires_at"]
    list_filter = ["status"]
    list_select_related = ["occasion", "school"]


@admin.register(BookingOutcomeChange)
class BookingOutcomeChangeAdmin(ReadOnlyAdmin):
    list_display = ["booking", "action", "at", "by"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["booking", "rating", "submitted_at"]


@admin.register(SchoolVisitSettings)
class SchoolVisitSettingsAdmin(ReadOnlyAdmin):
    list_display = ["school", "requires_principal_approval", "updated_at"]


@admin.register(SiteVisitSettings)
class SiteVisitSettingsAdmin(ReadOnlyAdmin):
    list_display = ["certification", "cancellation_deadline_working_days", "updated_at"]
