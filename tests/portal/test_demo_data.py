import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.se import orgnr

from inspira.accounts.models import Membership, User
from inspira.portal.management.commands import load_demo
from inspira.schools.models import District, School, SchoolForm
from inspira.schoolyears.models import FeeRule, SchoolYear
from inspira.schoolyears.services import fee_rule_for

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
MUNICIPAL = "212000-0142"


def run_load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "districts": District.objects.count(),
        "schools": School.objects.count(),
        "school forms": School.school_forms.through.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "school years": SchoolYear.objects.count(),
        "fee rules": FeeRule.objects.count(),
    }


@pytest.fixture
def demo(db):
    return run_load_demo()


def test_loading_twice_changes_nothing(demo):
    first = counts()
    run_load_demo()
    assert counts() == first
    assert first["schools"] >= 12
    assert first["school forms"] >= first["schools"]


def test_demo_has_people_in_every_role(demo):
    assert set(User.objects.exclude(role="").values_list("role", flat=True)) == set(User.Role.values) - {""}
    confirmed = Membership.objects.filter(confirmed_at__isnull=False)
    assert set(confirmed.values_list("role", flat=True)) == set(Membership.Role.values)
    assert confirmed.filter(role=Membership.Role.PRINCIPAL).values("school").distinct().count() >= 3
    pending = Membership.objects.get(confirmed_at__isnull=True)
    assert pending.user.is_active and pending.user.email_verified_at is not None


def test_demo_schools_are_valid(demo):
    schools = list(School.objects.prefetch_related("school_forms"))
    for school in schools:
        school.full_clean()  # unit code, organisation number, emails, lengths, uniqueness
        assert orgnr.is_valid(school.organisation_number), school
        assert len(school.unit_code) == 8 and school.unit_code.isdigit(), school
        assert school.school_forms.all(), school
    assert len({s.unit_code for s in schools}) == len(schools)
    municipal = [s for s in schools if s.organisation_number == MUNICIPAL]
    independent = [s for s in schools if s.organisation_number != MUNICIPAL]
    assert len(municipal) >= 10
    assert len(independent) >= 2


def test_demo_email_addresses_are_not_real(demo):
    # Demo emails must never reach a real person, whatever the email settings.
    addresses = list(User.objects.values_list("email", flat=True))
    for school in School.objects.all():
        addresses += [school.contact_email, school.invoice_email]
    assert all(a.endswith(".example") for a in addresses if a)


def test_demo_password_logs_everyone_in(demo):
    for user in User.objects.all():
        assert user.is_active and user.check_password(load_demo.DEMO_PASSWORD), user


def test_fee_rule_2010_follows_the_programme(demo):
    rule = FeeRule.objects.get(school_year__start_year=2010)
    assert rule.visit_fee_ore == 200_000
    assert rule.central_share_ore == 100_000
    assert rule.visiting_share_ore == 100_000
    assert rule.establishment_support_ore == 1_000_000
    rule.full_clean()


def test_fee_rule_for_today_resolves(demo):
    rule = fee_rule_for()
    assert rule.visit_fee_ore == 200_000
    assert rule.central_share_ore + rule.visiting_share_ore == rule.visit_fee_ore


@pytest.mark.parametrize(
    ("today", "start_year"),
    [(datetime.date(2027, 6, 30), 2026), (datetime.date(2027, 7, 1), 2027)],
)
def test_current_school_year_follows_the_date(db, monkeypatch, today, start_year):
    monkeypatch.setattr(load_demo.timezone, "localdate", lambda *args, **kwargs: today)
    output = run_load_demo()
    assert FeeRule.objects.get(school_year__start_year=start_year).visit_fee_ore == 200_000
    assert f"{start_year}/" in output
    # The second run finds the rule it made.
    assert "Created the fee rule" not in run_load_demo()
    assert FeeRule.objects.filter(school_year__start_year=start_year).count() == 1


def test_current_fee_rule_is_not_overwritten(db):
    run_load_demo()
    rule = fee_rule_for()
    rule.visit_fee_ore, rule.central_share_ore = 300_000, 200_000
    rule.save()
    run_load_demo()
    rule.refresh_from_db()
    assert rule.visit_fee_ore == 300_000


def test_new_rows_after_loading_get_free_ids(demo):
    # On PostgreSQL loaddata must leave the sequences past the fixture's fixed ids.
    district = District.objects.create(name="Ny stadsdel")
    school = School.objects.create(
        name="Nya skolan", unit_code="99999999", organisation_number=MUNICIPAL, district=district,
        street_address="Nygatan 1", postal_code="111 22", invoice_address="Stockholms stad",
        invoice_reference="NY1", contact_email="ny@skola.example",
    )
    school.school_forms.set(SchoolForm.objects.filter(code="grundskola"))
    user = User.objects.create_user("ny.person@inspira.example", "x", name="Ny Person")
    Membership.objects.create(user=user, school=school)
    year = SchoolYear.objects.create(start_year=2099)
    # Past the fixture's ids, so the sequence never walks into a demo row later.
    assert district.pk > District.objects.exclude(pk=district.pk).latest("pk").pk
    assert user.pk > User.objects.exclude(pk=user.pk).latest("pk").pk
    assert year.pk > SchoolYear.objects.exclude(pk=year.pk).latest("pk").pk


def test_prints_every_login_and_the_password(demo):
    assert load_demo.DEMO_PASSWORD in demo
    for email in User.objects.values_list("email", flat=True):
        assert email in demo
    assert "Katarina Södra skola" in demo


def test_refuses_to_overwrite_other_data(db):
    ids = {obj["pk"] for obj in json.loads(FIXTURE.read_text(encoding="utf-8")) if obj["model"] == "schools.district"}
    District.objects.create(pk=min(ids), name="Någon annans stadsdel")
    with pytest.raises(CommandError, match="would overwrite"):
        run_load_demo()
    assert District.objects.get(pk=min(ids)).name == "Någon annans stadsdel"
    assert not School.objects.exists()


def test_refuses_to_clash_with_an_existing_email(db):
    User.objects.create_user("admin@inspira.example", "x", name="Someone Else")
    with pytest.raises(CommandError, match="already exists"):
        run_load_demo()
    assert User.objects.count() == 1


def test_demo_has_one_certified_site_in_the_catalogue(demo, client):
    from django.urls import reverse

    from inspira.certification.models import Certification, Decision, EstablishmentSupportPayment

    run_load_demo()  # a second load must not certify the site again
    site = Certification.objects.current().get()
    assert site.school.name == "Katarina Södra skola"
    assert Decision.objects.count() == 1
    assert EstablishmentSupportPayment.objects.get().amount_ore == 1_000_000
    response = client.get(reverse("catalogue:index"))
    assert "Utomhusmatematik i årskurs 1–3" in response.content.decode()


def test_demo_site_has_bookable_occasions_and_one_booking(demo, client):
    from django.urls import reverse

    from inspira.visits.models import Booking, Occasion

    run_load_demo()  # a second load must not publish or book again
    occasions = Occasion.objects.filter(certification__school__name="Katarina Södra skola")
    assert occasions.count() == 3
    assert all(o.date > datetime.date.today() for o in occasions)
    booking = Booking.objects.get()
    assert (booking.school.name, booking.participants, booking.status) == (
        "Farsta grundskola", 3, Booking.Status.CONFIRMED)
    site = occasions.first().certification
    response = client.get(reverse("catalogue:index") + "?free_occasions=on")
    assert response.status_code == 200
    assert site.application.area_title in response.content.decode()
