import pytest
from django_q.conf import Conf

from inspira.accounts.models import Membership, User
from tests.factories import MembershipFactory, SchoolFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_mail_and_jobs(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Factory users get a password, and Argon2 is deliberately slow; Argon2 stays second so
    # the demo fixture's hashes still verify. test_security checks production hashing.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # django-q2 reads its configuration once at import; run jobs inline in tests.
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def school(db):
    return SchoolFactory(name="Vasaskolan")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Katarina Norra skola")


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.se", name="Anna Administratör", role=User.Role.ADMINISTRATOR)


@pytest.fixture
def director(db):
    return UserFactory(email="direktor@example.se", name="Dan Direktör", role=User.Role.DIRECTOR)


@pytest.fixture
def finance(db):
    return UserFactory(email="ekonomi@example.se", name="Eva Ekonomi", role=User.Role.FINANCE)


@pytest.fixture
def principal(school):
    return MembershipFactory(school=school, role=Membership.Role.PRINCIPAL,
                             user=UserFactory(email="rektor@example.se", name="Rut Rektor")).user


@pytest.fixture
def staff(school):
    return MembershipFactory(school=school, user=UserFactory(email="larare@example.se", name="Lars Lärare")).user


@pytest.fixture
def client_for(client):
    """Log the test client in as a person: ``client_for(user)``."""

    def login(user):
        client.force_login(user)
        return client

    return login
