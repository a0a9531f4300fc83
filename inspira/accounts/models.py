from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.core.addresses import normalise_email


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, email_verified_at=timezone.now())
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=normalise_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with their email address.

    ``role`` is a person's role in the central administration, if any; roles at a school
    (staff, site contact, principal) live on ``Membership``.
    """

    class Role(models.TextChoices):
        NONE = "", _("No central role")
        ADMINISTRATOR = "administrator", _("Administrator (education administration)")
        DIRECTOR = "director", _("Director of education")
        FINANCE = "finance", _("Finance")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("central role"), max_length=20, choices=Role.choices, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the Django admin"), default=False,
        help_text=_("The Django admin is a tool for technical staff, not part of the product."),
    )
    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role == self.Role.ADMINISTRATOR

    @property
    def is_director(self) -> bool:
        return self.is_active and self.role == self.Role.DIRECTOR

    @property
    def is_finance(self) -> bool:
        return self.is_active and self.role == self.Role.FINANCE

    @property
    def is_central(self) -> bool:
        """Anyone in the central administration (administrator, director, finance)."""
        return self.is_active and bool(self.role)


class Membership(models.Model):
    """A person's tie to a school. It counts only once confirmed by the principal or an
    administrator; until then the person can browse but not act for the school."""

    class Role(models.TextChoices):
        STAFF = "staff", _("School staff")
        SITE_CONTACT = "site_contact", _("Site contact")
        PRINCIPAL = "principal", _("Principal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["school__name", "user__name"]
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="membership_user_school_unique")]

    def __str__(self):
        return f"{self.user} – {self.school} ({self.get_role_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
