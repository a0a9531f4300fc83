"""Which sites are in the catalogue, and how a visitor narrows it down."""

from datetime import timedelta

from django.utils import timezone

from inspira.catalogue import selectors
from inspira.schools.models import District, SchoolForm
from tests.factories import DistrictFactory, SchoolFactory

from .conftest import make_site


def test_catalogue_holds_sites_in_force_today(db):
    today = timezone.localdate()
    current = make_site(area_title="Current")
    first_day = make_site(area_title="Starts today", starts_on=today)
    last_day = make_site(area_title="Last day today", starts_on=today - timedelta(days=700), ends_on=today)
    make_site(area_title="Ended yesterday", starts_on=today - timedelta(days=730), ends_on=today - timedelta(days=1))
    make_site(area_title="Starts tomorrow", starts_on=today + timedelta(days=1))
    make_site(area_title="Revoked", revoked=True)
    assert set(selectors.current_sites()) == {current, first_day, last_day}


def test_an_ended_site_leaves_by_itself_and_keeps_its_history(db):
    today = timezone.localdate()
    site = make_site(starts_on=today - timedelta(days=729))
    assert list(selectors.current_sites(on=site.ends_on)) == [site]
    assert list(selectors.current_sites(on=site.ends_on + timedelta(days=1))) == []
    site.refresh_from_db()  # nothing deleted: the certification and its application remain
    assert site.application.area_title == "Outdoor mathematics"


def test_search_matches_every_word_in_area_description_subjects_school_or_team(db):
    maths = make_site(area_title="Outdoor mathematics", subjects="mathematics",
                      school=SchoolFactory(name="Vasaskolan"))
    reading = make_site(area_title="Reading together", area_description="Reading circles with parents",
                        subjects="Swedish", team_name="Arbetslag Lila", school=SchoolFactory(name="Ekskolan"))

    def found(**filters):
        return set(selectors.site_search(**filters))

    assert found(q="outdoor") == {maths}
    assert found(q="circles") == {reading}
    assert found(q="swedish") == {reading}
    assert found(q="vasaskolan") == {maths}
    assert found(q="lila") == {reading}
    assert found(q="reading parents") == {reading}
    assert found(q="reading mathematics") == set()
    assert found(q="") == {maths, reading}


def test_filters_by_school_form_subject_area_and_district(db):
    north, south = DistrictFactory(name="Norr"), DistrictFactory(name="Söder")
    preschool = make_site(area_title="Play and language", school_forms=[SchoolForm.Code.PRESCHOOL],
                          subjects="language", school=SchoolFactory(district=north))
    upper = make_site(area_title="Programming in physics", school_forms=[SchoolForm.Code.UPPER_SECONDARY],
                      subjects="physics, programming", school=SchoolFactory(district=south))
    preschool_form = SchoolForm.objects.get(code=SchoolForm.Code.PRESCHOOL)

    assert list(selectors.site_search(school_form=preschool_form)) == [preschool]
    assert list(selectors.site_search(subject="programming")) == [upper]
    assert list(selectors.site_search(area="physics")) == [upper]
    assert list(selectors.site_search(district=District.objects.get(name="Norr"))) == [preschool]
    assert list(selectors.site_search(district=north, subject="physics")) == []


def test_filters_never_bring_back_an_ended_site(db):
    today = timezone.localdate()
    make_site(area_title="Old outdoor", starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    assert list(selectors.site_search(q="outdoor")) == []


def test_subject_choices_come_from_the_sites_in_the_catalogue_each_once(db):
    today = timezone.localdate()
    make_site(subjects="mathematics, Swedish")
    make_site(subjects="Mathematics; idrott och hälsa")
    make_site(subjects="Latin", starts_on=today - timedelta(days=900), ends_on=today - timedelta(days=100))
    assert selectors.subject_choices() == ["Idrott och hälsa", "Mathematics", "Swedish"]


def test_a_site_certified_again_is_listed_once_with_its_new_certification(db):
    from inspira.certification.models import Application

    today = timezone.localdate()
    old = make_site(area_title="Old period", starts_on=today - timedelta(days=700))
    new = make_site(area_title="New period", school=old.school, starts_on=today - timedelta(days=5))
    Application.objects.filter(pk=new.application_id).update(previous_application=old.application)
    assert list(selectors.current_sites()) == [new]
    # Before the new period starts, the old one is listed.
    assert list(selectors.current_sites(on=today - timedelta(days=6))) == [old]
