import pytest

from inspira.programmes.services import programme_set_active
from tests.factories import ProgrammeCoordinatorFactory, UserFactory, programme


@pytest.fixture
def tailor_made(db, administrator):
    """Tailor-made development, switched on (it is off by default)."""
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    return programme("tailor_made")


@pytest.fixture
def coordinator(tailor_made):
    return ProgrammeCoordinatorFactory(programme=tailor_made,
                                       user=UserFactory(email="samordnare@example.se", name="Siv Samordnare")).user
