import pytest

from inspira.core.models import OutboxItem


@pytest.fixture
def outbox_emails(db):
    """The email outbox items whose key starts with ``prefix``: ``outbox_emails("verify-email:")``."""

    def find(prefix=""):
        return list(OutboxItem.objects.filter(kind="email", key__startswith=prefix).order_by("pk"))

    return find


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Argon2 takes most of a second per hash here; these tests are about flows, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
