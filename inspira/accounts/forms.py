import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordMixin
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from inspira.accounts.models import Membership, User
from inspira.core.addresses import normalise_email
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.schools.models import School


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("The email address or the password is wrong. Check both and try again."),
        "inactive": _("This account is not active yet. Follow the link in the email we sent you."),
    }

    def clean_username(self):
        # The same address the lock-out counts under (inspira.accounts.lockout), whatever the case typed.
        return normalise_email(self.cleaned_data["username"])

    def get_invalid_login_error(self):
        # ModelBackend refuses inactive people without saying why, so someone who has not yet
        # followed the verification link would be told their password is wrong. Say what is
        # really missing, but only to someone who knows the password.
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            person = User.objects.filter(email__iexact=email, is_active=False, email_verified_at__isnull=True).first()
            if person is not None and person.check_password(password):
                return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


def _digest(value: str) -> str:
    # Outbox keys are shown to administrators; a digest keeps the secret link out of them.
    return hashlib.sha256(value.encode()).hexdigest()[:20]


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email sent through the outbox."""

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        user = context["user"]
        email_enqueue(
            key=f"password-reset:{user.pk}:{_digest(context['token'])}",
            to=[to_email],
            template="password_reset",
            context={
                "name": user.name,
                "reset_url": absolute_url("accounts:password_reset_confirm", uidb64=context["uid"],
                                          token=context["token"]),
                "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )


class SignupForm(SetPasswordMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("First name and last name."),
    )
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Use your work email address. We send a link to it that you must open to activate the account."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields()

    error_messages = {
        **SetPasswordMixin.error_messages,
        "email_taken": _(
            "There is already an account with this email address. Log in, or reset your password if you "
            "have forgotten it."
        ),
    }

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(self.error_messages["email_taken"], code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The similarity validator compares the password with the person's name and email.
        candidate = User(email=cleaned.get("email") or "", name=cleaned.get("name") or "")
        self.validate_password_for_user(candidate, password_field_name="password1")  # noqa: S106
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The address you used when you created the account."),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label=_("School name or school unit code"), max_length=100, required=False,
        help_text=_("For example “Vasaskolan” or the eight-digit school unit code."),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or email address"), max_length=100, required=False)


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["role", "is_active"]
        help_texts = {
            "role": _("A central role gives access to the administration's pages. Most people have none."),
            "is_active": _("A person who is not active cannot log in."),
        }


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.unit_code})"


class AddMembershipForm(forms.Form):
    school = SchoolChoiceField(
        label=_("School"), queryset=School.objects.only("pk", "name", "unit_code").order_by("name", "unit_code"),
        help_text=_("Type the first letters of the name to jump in the list."),
    )
    role = forms.ChoiceField(label=_("Role at the school"), choices=Membership.Role.choices,
                             initial=Membership.Role.STAFF)


# --- Two-factor sign-in ----------------------------------------------------------------------------

class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app. Phones' keyboards show digits, and browsers
    and password managers may fill in the code themselves (autocomplete="one-time-code")."""

    code = forms.CharField(
        label=_("Code from the app"), max_length=20,
        help_text=_("Six digits. A new code comes every 30 seconds."),
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True,
            "autocapitalize": "off", "spellcheck": "false", "class": "font-monospace",
        }),
    )

    def __init__(self, *args, autofocus: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not autofocus:
            # On a page with instructions above the form, focus stays at the top where they begin.
            del self.fields["code"].widget.attrs["autofocus"]

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the six digits the app shows, for example 123456."), code="format")
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"), max_length=30,
        help_text=_("One of the codes you saved when you set up two-factor sign-in, for example abcd-efgh. "
                    "Each code works once."),
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autofocus": True, "autocapitalize": "off", "spellcheck": "false",
            "class": "font-monospace",
        }),
    )
