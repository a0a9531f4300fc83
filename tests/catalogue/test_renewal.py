"""A certification's end: the reminders before it, and applying again."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.catalogue import services, tasks
from inspira.certification.models import Application, ApplicationStatusChange
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from .conftest import make_site, two_years

TODAY = date(2026, 3, 2)


def ending_in(days, **kwargs):
    """A site whose last day is ``days`` days after TODAY."""
    ends_on = TODAY + timedelta(days=days)
    return make_site(starts_on=ends_on - timedelta(days=729), ends_on=ends_on, **kwargs)


def send_all():
    for item_id in OutboxItem.objects.order_by("pk").values_list("pk", flat=True):
        outbox_process(item_id)


# --- Reminders ---------------------------------------------------------------------------------------------

def test_reminders_go_90_and_30_days_before_the_end(db):
    in_90, in_30 = ending_in(90), ending_in(30)
    ending_in(91)
    reminded = ending_in(60)  # its 90-day reminder went a month ago
    OutboxItem.objects.create(kind="email", key=services.reminder_key(reminded, 90), payload={})
    assert set(services.expiry_reminders_send(today=TODAY)) == {
        f"certification-expiry:{in_90.pk}:90", f"certification-expiry:{in_30.pk}:30",
    }


def test_each_reminder_goes_once_however_often_the_job_runs(db):
    site = ending_in(90)
    assert services.expiry_reminders_send(today=TODAY) == [f"certification-expiry:{site.pk}:90"]
    assert services.expiry_reminders_send(today=TODAY) == []
    # The next days are still within 90 days: no second 90-day reminder.
    for day in range(1, 60):
        assert services.expiry_reminders_send(today=TODAY + timedelta(days=day)) == []
    assert services.expiry_reminders_send(today=TODAY + timedelta(days=60)) == [f"certification-expiry:{site.pk}:30"]
    assert services.expiry_reminders_send(today=TODAY + timedelta(days=61)) == []
    send_all()
    send_all()
    assert len(mail.outbox) == 2
    assert OutboxItem.objects.filter(key__startswith="certification-expiry:").count() == 2


def test_a_missed_day_is_caught_up_the_next_day(db):
    site = ending_in(89)
    assert services.expiry_reminders_send(today=TODAY) == [f"certification-expiry:{site.pk}:90"]


def test_a_site_that_is_already_close_to_its_end_gets_only_the_last_reminder(db):
    site = ending_in(10)
    assert services.expiry_reminders_send(today=TODAY) == [f"certification-expiry:{site.pk}:30"]


def test_no_reminders_for_ended_revoked_or_recertified_sites(db):
    ending_in(-1)
    ending_in(90, revoked=True)
    recertified = ending_in(30)
    Application.objects.create(school=recertified.school, applicant=UserFactory(),
                               status=Application.Status.APPROVED, previous_application=recertified.application)
    assert services.expiry_reminders_send(today=TODAY) == []


def test_reminder_goes_to_site_contacts_and_the_school(db):
    school = SchoolFactory(contact_email="expedition@vasa.example.se")
    MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT, user=UserFactory(email="sara@vasa.example.se"))
    MembershipFactory(school=school, role=Membership.Role.SITE_CONTACT, confirmed_at=None,
                      user=UserFactory(email="pending@vasa.example.se"))
    MembershipFactory(school=school, role=Membership.Role.STAFF, user=UserFactory(email="staff@vasa.example.se"))
    site = ending_in(30, school=school, area_title="Outdoor mathematics")
    services.expiry_reminders_send(today=TODAY)
    send_all()
    [message] = mail.outbox
    assert sorted(message.to) == ["expedition@vasa.example.se", "sara@vasa.example.se"]
    assert "Outdoor mathematics" in message.body
    assert "1 april 2026" in message.subject  # Swedish by default
    assert reverse("catalogue:manage", args=[site.pk]) in message.body
    assert message.alternatives  # and HTML


def test_the_scheduled_job_runs_daily(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="certification-expiry-reminders")
    assert schedule.func == "inspira.catalogue.tasks.certification_expiry_reminders"
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1


def test_the_job_sends_what_is_due_today(db):
    today = timezone.localdate()
    make_site(starts_on=today + timedelta(days=30) - timedelta(days=729), ends_on=today + timedelta(days=30))
    assert tasks.certification_expiry_reminders() == 1
    assert tasks.certification_expiry_reminders() == 0


# --- Applying again ------------------------------------------------------------------------------------------

@pytest.fixture
def certified(school):
    return make_site(school=school, team_name="Arbetslag Ek", images=2, subjects="mathematics, physics",
                     contacts=[("Lars Lärare", "lars@example.se", "08-1"), ("Maja Mentor", "maja@example.se", "")])


def test_reapply_prefills_a_draft_from_the_last_application(certified, staff):
    new = services.application_reapply(certification=certified, user=staff)
    old = certified.application
    assert new.status == Application.Status.DRAFT
    assert new.previous_application == old
    assert new.applicant == staff
    assert new.school == certified.school and new.team_name == "Arbetslag Ek"
    for field in services.REAPPLY_FIELDS:
        assert getattr(new, field) == getattr(old, field), field
    assert new.commits_to_five_visits is False  # the commitment is made again
    assert [(i.start_time, i.end_time, i.activity) for i in new.plan_items.all()] == [
        (i.start_time, i.end_time, i.activity) for i in old.plan_items.all()]
    assert [(c.name, c.email, c.phone) for c in new.contacts.all()] == [
        (c.name, c.email, c.phone) for c in old.contacts.all()]
    assert set(new.school_forms.all()) == set(old.school_forms.all())
    new_pictures, old_pictures = list(new.images.all()), list(old.images.all())
    assert [p.alt_text for p in new_pictures] == [p.alt_text for p in old_pictures]
    assert {p.image.name for p in new_pictures}.isdisjoint({p.image.name for p in old_pictures})
    assert ApplicationStatusChange.objects.filter(application=new, to_status=Application.Status.DRAFT).exists()
    # The old application is untouched.
    old.refresh_from_db()
    assert old.status == Application.Status.APPROVED and old.images.count() == 2


def test_reapply_once_while_the_new_application_is_open(certified, staff):
    first = services.application_reapply(certification=certified, user=staff)
    with pytest.raises(services.ReapplicationExists) as info:
        services.application_reapply(certification=certified, user=staff)
    assert info.value.application == first
    Application.objects.filter(pk=first.pk).update(status=Application.Status.WITHDRAWN)
    assert services.application_reapply(certification=certified, user=staff) != first


def test_no_reapplying_after_the_end(school, staff):
    today = timezone.localdate()
    ended = make_site(school=school, starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    with pytest.raises(services.CatalogueError):
        services.application_reapply(certification=ended, user=staff)
    assert not Application.objects.filter(previous_application=ended.application).exists()


def test_reapply_button_opens_step_1_of_the_new_application(client_for, certified, staff):
    client = client_for(staff)
    page = client.get(reverse("catalogue:manage", args=[certified.pk])).content.decode()
    assert reverse("catalogue:reapply", args=[certified.pk]) in page
    response = client.post(reverse("catalogue:reapply", args=[certified.pk]))
    new = Application.objects.get(previous_application=certified.application)
    assert response.status_code == 302
    assert response.url == reverse("certification:step", args=[new.pk, 1])
    step = client.get(response.url).content.decode()
    assert 'value="Outdoor mathematics"' in step
    # Pressing again leads to the same application.
    response = client.post(reverse("catalogue:reapply", args=[certified.pk]))
    assert response.url == reverse("certification:detail", args=[new.pk])
    assert Application.objects.filter(previous_application=certified.application).count() == 1


def test_only_the_schools_staff_may_reapply(client, client_for, certified, other_school, administrator):
    other = MembershipFactory(school=other_school).user
    url = reverse("catalogue:reapply", args=[certified.pk])
    assert client_for(other).post(url).status_code == 403
    assert client_for(administrator).post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302  # to log in
    assert not Application.objects.filter(previous_application=certified.application).exists()


# --- The site's own pages ---------------------------------------------------------------------------------------

def test_management_page_access(client, client_for, certified, staff, administrator, other_school):
    url = reverse("catalogue:manage", args=[certified.pk])
    assert client_for(staff).get(url).status_code == 200
    assert client_for(administrator).get(url).status_code == 200
    assert client_for(MembershipFactory(school=other_school).user).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_management_page_offers_the_documentation_to_site_contacts_only(client_for, certified, staff,
                                                                      site_contact, en):
    url = reverse("catalogue:manage", args=[certified.pk])
    edit = reverse("catalogue:documentation", args=[certified.pk])
    assert edit in client_for(site_contact).get(url).content.decode()
    body = client_for(staff).get(url).content.decode()
    assert edit not in body
    assert "Only the school's site contacts" in body


def test_an_ended_site_stays_visible_to_its_school(client_for, school, staff, en):
    today = timezone.localdate()
    ended = make_site(school=school, starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=70))
    body = client_for(staff).get(reverse("catalogue:manage", args=[ended.pk])).content.decode()
    assert "no longer in the public catalogue" in body
    assert reverse("catalogue:reapply", args=[ended.pk]) not in body
    mine = client_for(staff).get(reverse("catalogue:mine")).content.decode()
    assert "Ended" in mine


def test_my_sites_lists_only_my_schools(client_for, certified, staff, other_school, en):
    make_site(school=other_school, area_title="Someone else's")
    body = client_for(staff).get(reverse("catalogue:mine")).content.decode()
    assert "Arbetslag Ek" in body and "Someone else" not in body
    empty = client_for(UserFactory()).get(reverse("catalogue:mine")).content.decode()
    assert "empty-state" in empty


def test_certification_dates_helper_matches_the_programme():
    assert two_years(date(2024, 2, 29)) == date(2026, 2, 28)
    assert two_years(date(2025, 8, 15)) == date(2027, 8, 14)
