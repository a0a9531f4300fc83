"""Inspira settings.

One module, read from the environment with safe defaults for a newcomer's machine
(SQLite, django-q2's ORM broker, email written to files). Production differs only by
environment variables; see README.md for the list.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from inspira.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("INSPIRA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's machine (DEBUG=1).
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The address people reach Inspira at; used for links in emails sent by background jobs,
# which have no request to build an absolute URL from.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
MUNICIPALITY_NAME = env("MUNICIPALITY_NAME", "Stockholms stad")
PROGRAMME_CONTACT_EMAIL = env("PROGRAMME_CONTACT_EMAIL", "inspirationsplats@stockholm.se")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    # Before django_q: its qcluster command replaces django-q2's (inspira/core/management/commands/qcluster.py).
    "inspira.core",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "inspira.accounts",
    "inspira.schools",
    # Single sign-on through Skolfederation (SAML), on top of accounts and schools.
    "inspira.federation",
    "inspira.schoolyears",
    "inspira.programmes",
    "inspira.surveys",
    "inspira.events",
    "inspira.benchmarking",
    "inspira.efforts",
    "inspira.panel",
    "inspira.certification",
    "inspira.catalogue",
    "inspira.visits",
    "inspira.billing",
    # Data protection reads every app above and nothing imports it.
    "inspira.privacy",
    # Last: pages and commands that bring every app together (home, dashboards, demo data).
    "inspira.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # djangosaml2's own session (SAML_SESSION_COOKIE_NAME) for the SAML requests sent and not yet answered:
    # the identity provider's answer is a cross-site POST, which never carries the SameSite=Lax session cookie.
    "inspira.federation.middleware.FederationSessionMiddleware",
    "inspira.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers made for a logged-in person are not kept in the browser's cache.
    "inspira.core.middleware.PrivateCacheMiddleware",
    # request.user.is_verified(): whether this session has passed the second step.
    "django_otp.middleware.OTPMiddleware",
    # Central roles (administrator, director, finance) and Django admin users must pass it before
    # any other page.
    "inspira.accounts.middleware.RequireTwoFactorMiddleware",
    # Keeps each logged-in session's record (how the person signed in, last seen) in step; see
    # inspira/accounts/sessions.py. No query on most requests.
    "inspira.accounts.middleware.SignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # The pages of a programme that is switched off answer 404 (inspira/programmes/catalog.py).
    "inspira.programmes.middleware.ProgrammeSwitchMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "inspira.urls"
WSGI_APPLICATION = "inspira.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inspira.core.context_processors.inspira",
                "inspira.menu.menu_items",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores select_for_update(); IMMEDIATE transactions take the write lock at
    # BEGIN, so two bookings of the last places serialise instead of both succeeding or
    # failing with "database is locked". The busy timeout makes the second one wait.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # A persistent SQLite connection buys nothing and keeps files open in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests get a database file, not Django's default shared-cache in-memory database: shared
    # cache locks tables and fails at once ("database table is locked") where a file waits for
    # the busy timeout, so concurrency tests would measure something production never does.
    # One file per test process, as several test runs may share a machine.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"inspira-test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out person is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through Skolfederation (inspira/federation): only its assertion consumer logs people in with it.
    "inspira.federation.backends.FederationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        # The person model has "name" where Django's default looks for first and last name.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor sign-in (django-otp), required for central roles: the name authenticator apps
# show beside the code. Failed codes are throttled by django-otp (1, 2, 4, 8 ... seconds).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Inspira")
# Nobody reads another person's authenticator key or QR code in the Django admin: whoever could
# would hold their second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How long an email-verification or password-reset link stays valid.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
EMAIL_VERIFICATION_MAX_AGE = env_int("EMAIL_VERIFICATION_MAX_AGE", 3 * 24 * 3600)
# How long the principal's link to endorse an application stays valid.
ENDORSEMENT_LINK_MAX_AGE = env_int("ENDORSEMENT_LINK_MAX_AGE", 14 * 24 * 3600)
# Survey results are shown only for groups of at least this many answers (Skolinspektionen publishes
# nothing under five); smaller groups and cells read "fewer than N".
SURVEY_MIN_GROUP = env_int("SURVEY_MIN_GROUP", 5)

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats per language, before Django's (inspira/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["inspira.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files handed out only by views that check permission (basis attachments, decision letters,
# invoices). Empty: a "private" folder beside MEDIA_ROOT. Several machines must share it.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", "") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Source maps are for developer tools only, and compressing them (Brotli, at its slowest level)
# took over half of collectstatic's time on every web machine at each release.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "woff", "woff2", "mp4", "webm", "map",
)

# --- Email ----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Inspira <inspirationsplats@stockholm.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- Background jobs (django-q2) -------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
Q_CLUSTER = {
    "name": "inspira",
    "workers": env_int("Q_WORKERS", 2),
    # A task may run this long; retry must be longer, or the ORM broker re-delivers a
    # task that is still running.
    "timeout": 120,
    "retry": 180,
    # Bounded: the outbox sweeper, not endless re-delivery, recovers what still fails.
    "max_attempts": 3,
    "save_limit": 500,
    "catch_up": False,
    "label": _("Background jobs"),
    "sync": env_bool("Q_SYNC", False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5
# How many web processes serve requests (gunicorn.conf.py reads the same variable). Empty: gunicorn's
# default, several. Without Redis each process would keep a cache of its own, and a change would drop
# the copies of one process only, so `check --deploy` refuses that unless this is 1.
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 0) or None
# One cache for every process: Redis when there is one, so that several web machines share the
# public pages' copies (inspira/core/pagecache.py) and a change drops them everywhere; else each
# process keeps its own in memory (a newcomer's machine: one process, nothing to share).
if REDIS_URL:
    # Short timeouts: an unreachable cache must cost a page a second at most, never hang it.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env("CACHE_URL", REDIS_URL), "KEY_PREFIX": "inspira",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "inspira"}}
# How old a public page that anonymous visitors are shown may be (seconds); 0: always made afresh.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60)
# How long the finance overview's sums may be kept (seconds); a change to what they add up drops them
# at once, so this only bounds what no save announces. 0: added up on every view.
FINANCE_OVERVIEW_CACHE_SECONDS = env_int("FINANCE_OVERVIEW_CACHE_SECONDS", 600)
# An outbox row still not done this long after it was claimed or created is re-enqueued.
OUTBOX_STALE_AFTER = env_int("OUTBOX_STALE_AFTER", 300)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5)

# --- Study visits -----------------------------------------------------------------------
# How long a booking that waits for the visiting school's principal keeps its places, and how
# long a school offered places from the waiting list has to accept them.
VISIT_HOLD_HOURS = env_int("VISIT_HOLD_HOURS", 72)
WAITING_LIST_OFFER_HOURS = env_int("WAITING_LIST_OFFER_HOURS", 48)

# --- Billing ----------------------------------------------------------------------------
# Days from an invoice's date to its due date.
INVOICE_DUE_DAYS = env_int("INVOICE_DUE_DAYS", 30)
# The pluggable step that sends e-invoices through a Peppol access point: a dotted path to a
# callable send(*, invoice, xml) -> str. The default sends nothing and records that (see
# inspira/billing/peppol.py).
EINVOICE_SENDER = env("EINVOICE_SENDER", "inspira.billing.peppol.record_only")

# --- Skolverket's school-unit register (inspira/schools/register.py) ------------------------
# Where the nightly job reads the register: its API (version 2), or a directory holding a recorded
# response (fixtures/skolenhetsregistret/0180/). Empty: no nightly import.
SCHOOL_REGISTER_URL = env("SCHOOL_REGISTER_URL", "https://api.skolverket.se/skolenhetsregistret/v2")
# The municipality whose school units are imported (Stockholm is 0180).
SCHOOL_REGISTER_MUNICIPALITY = env("SCHOOL_REGISTER_MUNICIPALITY", "0180")
# Seconds to wait for each answer of the register.
SCHOOL_REGISTER_TIMEOUT = env_int("SCHOOL_REGISTER_TIMEOUT", 30)

# --- Data protection: retention periods (docs/data-protection.md) -------------------------
# A daily job (inspira.privacy.tasks.apply_retention) applies them; 0 turns a rule off.
# Sign-ups whose email address was never verified are deleted after this many days.
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env_int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", 30)
# Accounts with no school, no central role and no login for this many years are anonymised.
RETENTION_INACTIVE_ACCOUNT_YEARS = env_int("RETENTION_INACTIVE_ACCOUNT_YEARS", 3)
# The content of sent emails is removed from the outbox after this many days.
RETENTION_SENT_EMAIL_DAYS = env_int("RETENTION_SENT_EMAIL_DAYS", 90)
# Rejected and withdrawn applications lose their contact persons, names and pictures after this many years.
RETENTION_REJECTED_APPLICATION_YEARS = env_int("RETENTION_REJECTED_APPLICATION_YEARS", 2)
# Feedback texts (and who wrote them) are removed after this many years; the rating stays.
RETENTION_FEEDBACK_YEARS = env_int("RETENTION_FEEDBACK_YEARS", 3)
# Answers to an event's registration questions (e.g. dietary needs) are emptied this many days after it ends.
RETENTION_EVENT_ANSWERS_DAYS = env_int("RETENTION_EVENT_ANSWERS_DAYS", 30)
# Audit events are never deleted by Inspira: older ones are only counted, for the archive to decide.
RETENTION_AUDIT_YEARS = env_int("RETENTION_AUDIT_YEARS", 10)

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe each web machine over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A refused form explains itself in Swedish and offers a way back (Django's page is technical English).
CSRF_FAILURE_VIEW = "inspira.core.errors.csrf_failure"
# Content-Security-Policy (django-csp): only our own files; no inline scripts or styles.
# Bootstrap's CSS draws a few icons as data: URIs, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Behind a reverse proxy (TRUSTED_PROXY_COUNT of them), the client's address is read from
# X-Forwarded-For as the proxies set it; otherwise REMOTE_ADDR, which a client cannot forge.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
    # Each proxy appends the address it was reached from, so the right-most TRUSTED_PROXY_COUNT
    # entries are our proxies' and the left-most of those is the client. ipware counts only the
    # proxies after the client's entry (one less) and, when strict, refuses a header with more
    # entries, which a client gets by sending an X-Forwarded-For of its own. Not strict: entries a
    # client wrote in front are ignored, never taken as its address.
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Login throttling (django-axes): lock the combination of account and address, so one
# attacker cannot lock a colleague out from another address, and everyone behind one
# school proxy is not locked out together. The lock lifts by itself after the cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Counted under the normalised address, as the login looks the person up: a change of letter
# case must not start a fresh count.
AXES_USERNAME_CALLABLE = "inspira.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The development centre presents a tailor-made proposal within "two weeks" of the planning meeting:
# this many working days (domain.md), and warns its coordinator this many working days before.
INSPIRA_PROPOSAL_WORKING_DAYS = env_int("INSPIRA_PROPOSAL_WORKING_DAYS", 10)
INSPIRA_PROPOSAL_WARNING_DAYS = env_int("INSPIRA_PROPOSAL_WARNING_DAYS", 3)

# The teacher panel (seed 003): a member's consent runs this many days and they are reminded this
# many days before it lapses; raised questions and good examples are answered within this many
# working days, and so are a chat's approved questions left unanswered when it ends; an invitation
# to a survey whose invited group is smaller than this says so.
INSPIRA_PANEL_CONSENT_DAYS = env_int("INSPIRA_PANEL_CONSENT_DAYS", 365)
INSPIRA_PANEL_RENEWAL_REMINDER_DAYS = env_int("INSPIRA_PANEL_RENEWAL_REMINDER_DAYS", 30)
INSPIRA_PANEL_ANSWER_WORKING_DAYS = env_int("INSPIRA_PANEL_ANSWER_WORKING_DAYS", 15)
INSPIRA_PANEL_SMALL_GROUP = env_int("INSPIRA_PANEL_SMALL_GROUP", 20)

# --- Single sign-on: Skolfederation (SAML 2.0, inspira/federation; docs/deploy.md "Skolfederation") ---------
# Off by default: the login page then offers passwords only and the federation's pages answer 404.
INSPIRA_SAML_ENABLED = env_bool("INSPIRA_SAML_ENABLED", False)
# The federation's signed metadata aggregate, fetched by a scheduled job and checked against the
# certificate the federation signs it with (a PEM file); the last good copy is kept on disk.
INSPIRA_SAML_FEDERATION_METADATA_URL = env("INSPIRA_SAML_FEDERATION_METADATA_URL", "")
INSPIRA_SAML_FEDERATION_CERT = env("INSPIRA_SAML_FEDERATION_CERT", "")
INSPIRA_SAML_METADATA_CACHE = Path(
    env("INSPIRA_SAML_METADATA_CACHE", str(VAR_DIR / "saml" / "federation-metadata.xml")))
# Inspira's own key pair, which signs its requests and decrypts assertions. Empty: a pair generated into
# <INSPIRA_VAR_DIR>/saml/ at first use (demo and tests); production must name its own (check --deploy).
INSPIRA_SAML_KEY_FILE = env("INSPIRA_SAML_KEY_FILE", "")
INSPIRA_SAML_CERT_FILE = env("INSPIRA_SAML_CERT_FILE", "")
INSPIRA_SAML_XMLSEC1 = env("INSPIRA_SAML_XMLSEC1", "/usr/bin/xmlsec1")
# Seconds a fetch of the metadata aggregate may take (a job fetches it every six hours).
INSPIRA_SAML_METADATA_TIMEOUT = env_int("INSPIRA_SAML_METADATA_TIMEOUT", 30)
# The contacts Inspira's SP metadata names (the federation asks for a technical and a support contact).
INSPIRA_SAML_CONTACT_EMAIL = env("INSPIRA_SAML_CONTACT_EMAIL", "") or PROGRAMME_CONTACT_EMAIL
# djangosaml2: the SP configuration is built from the cached metadata on each change of the file.
SAML_CONFIG_LOADER = "inspira.federation.config.sp_config"
# Outstanding SAML requests live in djangosaml2's own session, whose cookie is SameSite=None and Secure
# (inspira.federation.middleware), so the cross-site POST of the answer carries it; Django's session
# cookie keeps the browser's default (Lax).
SAML_SESSION_COOKIE_NAME = "inspira_saml"
SAML_SESSION_COOKIE_SAMESITE = "None"
# Attributes are mapped by inspira.federation.attributes (never by username): these two only keep
# djangosaml2's defaults from guessing.
SAML_ATTRIBUTE_MAPPING = {"eduPersonPrincipalName": ("eduPersonPrincipalName",)}
SAML_DJANGO_USER_MAIN_ATTRIBUTE = "email"
SAML_CREATE_UNKNOWN_USER = True
ACS_DEFAULT_REDIRECT_URL = "core:dashboard"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML2_CUSTOM_POST_BINDING_FORM_TEMPLATE = "federation/post_binding_form.html"
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "inspira.federation.views.sign_in_refused"
SAML_IGNORE_AUTHENTICATED_USERS_ON_LOGIN = True

# Demo conveniences (reading sent emails in the browser) are on only when asked for.
INSPIRA_DEMO = env_bool("INSPIRA_DEMO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # SAML assertions carry personal data: pysaml2 and djangosaml2 log them whole at DEBUG level.
        "saml2": {"level": "WARNING"},
        "djangosaml2": {"level": "WARNING"},
        # pysaml2's schema library announces each schema it loads.
        "xmlschema": {"level": "WARNING"},
    },
}
