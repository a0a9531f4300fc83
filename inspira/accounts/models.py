import hashlib

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
    # Raised when an administrator ends all of the person's sessions: it is part of the session auth hash
    # (get_session_auth_hash), so every session made before, recorded or not, stops working at its next
    # request, whatever the session engine.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

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

    def get_session_auth_hash(self):
        return self._with_session_generation(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for auth_hash in super().get_session_auth_fallback_hash():
            yield self._with_session_generation(auth_hash)

    def _with_session_generation(self, auth_hash: str) -> str:
        # Generation 0 keeps Django's own hash, so the sessions that exist when this is deployed stay valid.
        # The base hash is already keyed with the secret key; hashing the generation into it is enough.
        if not self.session_generation:
            return auth_hash
        return hashlib.sha256(f"{auth_hash}:{self.session_generation}".encode()).hexdigest()

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


class SignIn(models.Model):
    """One session of a logged-in person: how they signed in, when, and from which browser.

    Written when they log in, removed when they log out, ended by an administrator, or pruned once
    the session has expired (``inspira.accounts.sessions``). The session key is kept as the session
    engine keeps it, because ending a session means asking the engine to delete it by its key; it is
    a credential, so no page, export, audit row or admin shows it.
    """

    class Method(models.TextChoices):
        PASSWORD = "password", _("Password")
        FEDERATION = "federation", _("School federation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="sign_ins"
    )
    # As long as Django's own session table allows.
    session_key = models.CharField(max_length=40, unique=True, editable=False)
    method = models.CharField(_("signed in with"), max_length=20, choices=Method.choices, default=Method.PASSWORD)
    second_factor = models.BooleanField(_("second factor passed"), default=False)
    # The identity provider's SAML entity id (a URI), for sign-ins through the school federation.
    idp_entity_id = models.CharField(_("identity provider"), max_length=1024, blank=True)
    # A summary of the User-Agent header (e.g. "Firefox 128", "Windows"); the full header is not kept.
    browser = models.CharField(_("browser"), max_length=60, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=60, blank=True)
    # Empty for a session that began before sign-ins were recorded (it is recorded at its next request).
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-last_seen_at", "-pk"]
        indexes = [models.Index(fields=["user", "method"], name="signin_user_method")]

    def __str__(self):
        return f"{self.user} – {self.get_method_display()}"
