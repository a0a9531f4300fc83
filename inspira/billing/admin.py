"""The Django admin is a tool for technical staff: it shows the money but changes nothing. Entries
and invoices change only through the services, which lock, number and audit."""

from django.contrib import admin

from inspira.billing.models import BillingSettings, FeeEntry, Invoice, InvoiceLine, InvoiceNumberSeries
from inspira.core.admin import ReadOnlyAdminMixin


@admin.register(FeeEntry)
class FeeEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["visit_date", "host", "payer", "payer_school", "amount_ore", "school_year", "reverses"]
    list_filter = ["payer", "school_year"]
    list_select_related = ["host", "payer_school", "school_year"]


class InvoiceLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "description", "visit_date", "quantity", "unit_price_ore", "vat_rate_percent"]
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "kind", "issuer", "recipient_name", "issue_date", "total_ore", "sent_at", "paid_on"]
    list_filter = ["kind", "recipient_kind"]
    search_fields = ["number", "recipient_name", "issuer__name"]
    list_select_related = ["issuer"]
    inlines = [InvoiceLineInline]


@admin.register(InvoiceNumberSeries)
class InvoiceNumberSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["school", "last_number"]


@admin.register(BillingSettings)
class BillingSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["central_name", "central_organisation_number", "bankgiro", "updated_at"]
