"""The Django admin is a tool for technical staff: it shows visits but changes nothing. Places,
bookings and their emails change only through the services, which lock and count."""

from django.contrib import admin

from inspira.core.admin import ReadOnlyAdminMixin
from inspira.visits.models import (
    Booking,
    BookingOutcomeChange,
    Feedback,
    Occasion,
    SchoolVisitSettings,
    SiteVisitSettings,
    WaitingListEntry,
)


@admin.register(Occasion)
class OccasionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["date", "slot", "start_time", "end_time", "certification", "capacity", "cancelled_at"]
    list_filter = ["slot"]
    date_hierarchy = "date"
    list_select_related = ["certification__school"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occasion", "school", "participants", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["school__name", "contact_name", "contact_email"]
    list_select_related = ["occasion", "school"]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occasion", "school", "participants", "status", "created_at", "offer_expires_at"]
    list_filter = ["status"]
    list_select_related = ["occasion", "school"]


@admin.register(BookingOutcomeChange)
class BookingOutcomeChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["booking", "action", "at", "by"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["booking", "rating", "submitted_at"]


@admin.register(SchoolVisitSettings)
class SchoolVisitSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["school", "requires_principal_approval", "updated_at"]


@admin.register(SiteVisitSettings)
class SiteVisitSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["certification", "cancellation_deadline_working_days", "updated_at"]
