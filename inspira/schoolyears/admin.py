# The Django admin is a tool for technical staff; people set fee rules on the product's own
# pages, which audit every change. Changes made here are not in the audit trail.
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inspira.core.money import format_sek
from inspira.schoolyears.models import FeeRule, SchoolYear


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_year"]


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin):
    list_display = ["school_year", "visit_fee", "central_share", "visiting_share", "establishment_support",
                    "vat_rate_percent"]
    list_select_related = ["school_year"]
    readonly_fields = ["updated_at"]

    @admin.display(description=_("visit fee"), ordering="visit_fee_ore")
    def visit_fee(self, obj):
        return format_sek(obj.visit_fee_ore)

    @admin.display(description=_("central administration's share"), ordering="central_share_ore")
    def central_share(self, obj):
        return format_sek(obj.central_share_ore)

    @admin.display(description=_("visiting school's share"), ordering="visiting_share_ore")
    def visiting_share(self, obj):
        return format_sek(obj.visiting_share_ore)

    @admin.display(description=_("establishment support"), ordering="establishment_support_ore")
    def establishment_support(self, obj):
        return format_sek(obj.establishment_support_ore)
