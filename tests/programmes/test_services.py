import pytest
from django.core.cache import cache

from inspira.core.models import AuditEvent
from inspira.programmes import state
from inspira.programmes.models import Programme, ProgrammeCoordinator
from inspira.programmes.permissions import is_coordinator, programme_is_active
from inspira.programmes.services import (
    ProgrammeError,
    coordinator_add,
    coordinator_remove,
    programme_set_active,
)
from tests.factories import ProgrammeCoordinatorFactory, UserFactory, programme


def test_the_five_programmes_exist_and_only_the_inspiration_sites_are_on(db):
    assert dict(Programme.objects.values_list("key", "is_active")) == {
        "inspiration_sites": True, "benchmarking": False, "tailor_made": False, "teacher_panel": False,
        "cooperation": False,
    }


def test_names_and_descriptions_are_translated_in_code(db):
    from django.utils import translation

    with translation.override("sv"):
        assert programme("tailor_made").name == "Skräddarsydda insatser"
        assert "Pedagogcentrum" in programme("tailor_made").description
    with translation.override("en"):
        assert programme("tailor_made").name == "Tailor-made professional development"


def test_switching_on_writes_an_audit_row_and_is_seen_at_once(db, administrator):
    assert not programme_is_active("teacher_panel")
    programme_set_active(programme=programme("teacher_panel"), active=True, actor=administrator)
    assert programme_is_active("teacher_panel")
    event = AuditEvent.objects.get(action="programme.switched_on")
    assert event.actor == administrator and event.data == {"key": "teacher_panel", "active": True}


def test_switching_to_the_state_it_has_writes_nothing(db, administrator):
    programme_set_active(programme=programme("inspiration_sites"), active=True, actor=administrator)
    assert not AuditEvent.objects.filter(action__startswith="programme.").exists()


def test_switching_drops_the_cached_state_after_the_commit_too(db, administrator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        programme_set_active(programme=programme("benchmarking"), active=True, actor=administrator)
    cache.set(state.CACHE_KEY, frozenset({"inspiration_sites"}))  # another process read the old state
    for callback in callbacks:
        callback()
    assert programme_is_active("benchmarking")


def test_a_missing_row_counts_as_its_default(db):
    Programme.objects.filter(key__in=["inspiration_sites", "cooperation"]).delete()
    state.forget()
    assert programme_is_active("inspiration_sites") and not programme_is_active("cooperation")


def test_coordinator_add_and_remove_write_audit_rows(db, administrator):
    person = UserFactory()
    coordinator_add(programme=programme("tailor_made"), user=person, actor=administrator)
    assert ProgrammeCoordinator.objects.filter(programme__key="tailor_made", user=person).exists()
    coordinator_remove(programme=programme("tailor_made"), user=person, actor=administrator)
    assert not ProgrammeCoordinator.objects.exists()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "programme.coordinator_add", "programme.coordinator_remove"]


def test_a_person_coordinates_a_programme_once(db, administrator):
    person = UserFactory(name="Pia Pedagog")
    coordinator_add(programme=programme("tailor_made"), user=person, actor=administrator)
    with pytest.raises(ProgrammeError, match="Pia Pedagog"):
        coordinator_add(programme=programme("tailor_made"), user=person, actor=administrator)
    assert ProgrammeCoordinator.objects.count() == 1


def test_an_inactive_person_cannot_be_a_coordinator(db, administrator):
    with pytest.raises(ProgrammeError):
        coordinator_add(programme=programme("tailor_made"), user=UserFactory(is_active=False), actor=administrator)


def test_removing_someone_who_is_no_coordinator_is_refused(db, administrator):
    with pytest.raises(ProgrammeError):
        coordinator_remove(programme=programme("tailor_made"), user=UserFactory(), actor=administrator)
    assert not AuditEvent.objects.exists()


def test_a_coordinator_coordinates_only_their_programme_and_only_while_it_is_on(db, administrator):
    person = ProgrammeCoordinatorFactory(programme=programme("tailor_made")).user
    assert not is_coordinator(person, "tailor_made")  # off by default: no work there
    programme_set_active(programme=programme("tailor_made"), active=True, actor=administrator)
    programme_set_active(programme=programme("benchmarking"), active=True, actor=administrator)
    assert is_coordinator(person, "tailor_made")
    assert not is_coordinator(person, "benchmarking")
    assert not is_coordinator(UserFactory(), "tailor_made")


def test_a_coordinator_is_in_their_data_download_and_erasure_removes_the_role(db, administrator):
    from inspira.privacy.registry import export_categories
    from inspira.privacy.services import person_erase

    person = ProgrammeCoordinatorFactory(programme=programme("tailor_made")).user
    [category] = [c for c in export_categories(person) if c.key == "programme_coordinators"]
    assert [r["programme"] for r in category.rows] == ["Skräddarsydda insatser"]
    person_erase(person=person, actor=administrator)
    assert not ProgrammeCoordinator.objects.exists()
