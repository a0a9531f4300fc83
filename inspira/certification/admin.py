"""The Django admin is a tool for technical staff: it shows applications but changes nothing. The
status trail in particular is append-only."""

from django.contrib import admin

from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    ApplicationStatusChange,
    BasisAttachment,
    BasisDocument,
    Certification,
    ContactLogEntry,
    Decision,
    DecisionLetter,
    DecisionNumberSeries,
    Endorsement,
    EstablishmentSupportPayment,
)
from inspira.core.admin import ReadOnlyAdminMixin


class PlanItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationPlanItem
    extra = 0


class ContactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationContact
    extra = 0


class ImageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationImage
    extra = 0


class EndorsementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Endorsement
    extra = 0
    exclude = ["token_hash"]


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationStatusChange
    extra = 0


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "school", "team_name", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["school__name", "team_name", "area_title"]
    list_select_related = ["school"]
    inlines = [PlanItemInline, ContactInline, ImageInline, EndorsementInline, StatusChangeInline]


@admin.register(ApplicationStatusChange)
class ApplicationStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "actor_description", "at"]
    list_filter = ["to_status"]
    list_select_related = ["application__school"]


# --- Casework and decisions: read-only here; the product's pages make every change -----------------

class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BasisAttachment
    extra = 0
    exclude = ["file"]  # the files are served only by the permission-checked view


@admin.register(BasisDocument)
class BasisDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "recommendation", "proposed_start_date", "sent_to_director_at"]
    list_select_related = ["application__school"]
    inlines = [AttachmentInline]


@admin.register(ContactLogEntry)
class ContactLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "date", "channel", "created_by"]
    list_select_related = ["application__school", "created_by"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A public record: never changed, never deleted (the model refuses as well)."""

    list_display = ["reference", "application", "outcome", "start_date", "decided_by_name", "decided_at", "corrects"]
    list_filter = ["outcome"]
    search_fields = ["reference", "application__school__name", "application__team_name"]
    list_select_related = ["application__school", "corrects"]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["decision", "rendered_at"]
    exclude = ["pdf"]
    list_select_related = ["decision"]


@admin.register(DecisionNumberSeries)
class DecisionNumberSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "last_number"]


class SupportPaymentInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = EstablishmentSupportPayment
    extra = 0


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "starts_on", "ends_on", "revoked_by"]
    search_fields = ["school__name", "team_name"]
    list_select_related = ["school", "revoked_by"]
    inlines = [SupportPaymentInline]
