"""The Django admin: a tool for technical staff. Administrators of the programme use the
product's own pages, which check permissions and write the audit trail."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from inspira.accounts.models import Membership, User
from inspira.core.addresses import normalise_email


class AdminUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this email address."))
        return email


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ("school", "confirmed_by")
    fields = ("school", "role", "requested_at", "confirmed_at", "confirmed_by")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "role", "is_active", "email_verified_at", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("name", "phone")}),
        (_("Roles and access"), {"fields": ("role", "is_active", "email_verified_at")}),
        (_("Django admin"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )

    def get_inlines(self, request, obj):
        # The add page has no person yet to hang memberships on.
        return self.inlines if obj is not None else []


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "role", "requested_at", "confirmed_at")
    list_filter = ("role", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__name", "school__name", "school__unit_code")
    raw_id_fields = ("user", "school", "confirmed_by")
    list_select_related = ("user", "school")
    date_hierarchy = "requested_at"
