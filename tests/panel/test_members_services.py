"""Membership with consent: joining records the version agreed to; leaving and lapsing end the
membership and withdraw every pending invitation at once; reminders go once, before the lapse."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspira.core.models import AuditEvent, OutboxItem
from inspira.panel import membership
from inspira.panel.models import ConsentText, Draw, FocusInvite, Member, Subject
from inspira.panel.sampling import askable_members
from inspira.surveys.models import Invitation
from tests.factories import DistrictFactory, EventFactory, InvitationFactory, SurveyFactory
from tests.panel.factories import MemberFactory, consent_text, coordinator, panel_on, school_form, teacher

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _join(user, now=None, text=None):
    return membership.member_join(
        user=user, school_form=school_form(), district=DistrictFactory(name="Farsta"),
        subjects=Subject.objects.all()[:2], frequency_days=Member.Frequency.MONTH, focus_groups=True,
        consent_text=text or consent_text(), now=now or timezone.now())


def _pending(member):
    """A pending panel survey invitation and a pending focus invitation for ``member``."""
    panel = panel_on()
    invitation = InvitationFactory(user=member.user, survey=SurveyFactory(programme=panel))
    draw = Draw.objects.create(purpose=Draw.Purpose.FOCUS_GROUP, mode=Draw.Mode.ALL, seed=1,
                               event=EventFactory(programme=panel))
    focus = FocusInvite.objects.create(draw=draw, member=member, stratum=member.stratum,
                                       invited_at=timezone.now())
    return invitation, focus


def test_joining_records_the_consent_version_and_its_validity(settings):
    settings.INSPIRA_PANEL_CONSENT_DAYS = 365
    now = timezone.now()
    member = _join(teacher(), now=now)
    assert member.consent_text == consent_text()
    assert member.consented_at == now == member.joined_at
    assert member.consent_until == now + timedelta(days=365)
    assert member.subjects.count() == 2


def test_only_teachers_may_join():
    from tests.factories import UserFactory
    with pytest.raises(PermissionDenied):
        _join(UserFactory())


def test_a_person_cannot_join_twice():
    user = teacher()
    _join(user)
    with pytest.raises(PermissionDenied):
        _join(user)
    assert Member.objects.filter(user=user).count() == 1


def test_the_database_refuses_a_second_open_membership_if_the_check_is_passed():
    member = MemberFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(user=member.user, school_form=member.school_form, district=member.district,
                              consent_text=member.consent_text, consented_at=member.consented_at,
                              consent_until=member.consent_until, joined_at=member.joined_at)


def test_joining_on_an_old_consent_version_is_refused():
    old = consent_text()
    membership.consent_text_publish(actor=coordinator(), body="Ny text")
    with pytest.raises(ValidationError):
        _join(teacher(), text=old)
    assert not Member.objects.exists()


def test_leaving_cancels_pending_invitations_at_once_and_is_never_asked_again():
    member = MemberFactory()
    assert member in askable_members()
    invitation, focus = _pending(member)
    membership.member_leave(member=member)
    member.refresh_from_db()
    assert member.ending == Member.Ending.LEFT and member.ended_at is not None
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    focus.refresh_from_db()
    assert focus.state == FocusInvite.State.CANCELLED
    assert member not in askable_members()


def test_lapse_after_a_year_cancels_invitations_and_the_member_is_never_asked_again():
    now = timezone.now()
    member = MemberFactory(consented_at=now - timedelta(days=365))
    keeps = MemberFactory(consented_at=now - timedelta(days=364))
    invitation, focus = _pending(member)
    assert membership.members_lapse(now) == [member.pk]
    member.refresh_from_db()
    assert member.ending == Member.Ending.LAPSED and member.ended_at == now
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    focus.refresh_from_db()
    assert focus.state == FocusInvite.State.CANCELLED
    assert list(askable_members(now)) == [keeps]
    assert membership.members_lapse(now) == []  # again: nothing more


def test_the_lapse_moment_is_365_days_in_aware_time_across_daylight_saving(settings):
    settings.INSPIRA_PANEL_CONSENT_DAYS = 365
    # Saturday 28 March 2026, the weekend the clocks go forward in Stockholm.
    given = datetime(2026, 3, 28, 12, 0, tzinfo=STOCKHOLM)
    member = _join(teacher(), now=given)
    assert member.consent_until == given + timedelta(days=365)
    assert timezone.is_aware(member.consent_until)
    moment = member.consent_until
    assert membership.members_lapse(moment - timedelta(seconds=1)) == []
    assert membership.members_lapse(moment) == [member.pk]


def test_a_renewal_reminder_is_sent_once_before_the_lapse(settings):
    settings.INSPIRA_PANEL_RENEWAL_REMINDER_DAYS = 30
    now = timezone.now()
    due = MemberFactory(consented_at=now - timedelta(days=340))  # ends in 25 days
    MemberFactory(consented_at=now - timedelta(days=300))  # ends in 65 days: not yet
    assert membership.renewal_reminders_send(now) == [due.pk]
    assert membership.renewal_reminders_send(now + timedelta(days=1)) == []
    due.refresh_from_db()
    assert due.renewal_reminded_at == now and due.is_active(now)
    item = OutboxItem.objects.get()
    assert item.payload["to"] == [due.user.email]
    assert "/lararpanelen/mitt-medlemskap/fornya/" in item.payload["text"]


def test_renewing_moves_the_consent_on_the_newest_text_and_clears_the_reminder():
    now = timezone.now()
    member = MemberFactory(consented_at=now - timedelta(days=340), renewal_reminded_at=now)
    newest = membership.consent_text_publish(actor=coordinator(), body="Version två")
    membership.member_renew(member=member, consent_text=newest, now=now)
    member.refresh_from_db()
    assert member.consent_text == newest
    assert member.consent_until == now + timedelta(days=365)
    assert member.renewal_reminded_at is None


def test_renewing_on_an_older_text_is_refused():
    member = MemberFactory()
    old = member.consent_text
    membership.consent_text_publish(actor=coordinator(), body="Version två")
    with pytest.raises(ValidationError):
        membership.member_renew(member=member, consent_text=old)


def test_publishing_a_consent_text_appends_a_version_with_an_audit_row():
    actor = coordinator()
    before = consent_text()
    text = membership.consent_text_publish(actor=actor, body="Ny")
    assert text.version == before.version + 1
    assert ConsentText.objects.get(pk=before.pk).body == before.body
    assert AuditEvent.objects.filter(action="panel.consent_text_published", object_id=str(text.pk)).exists()


def test_only_coordinators_publish_consent_texts():
    with pytest.raises(PermissionDenied):
        membership.consent_text_publish(actor=teacher(), body="Ny")


def test_the_daily_job_is_scheduled():
    from django_q.models import Schedule

    from inspira.panel.tasks import membership_daily
    schedule = Schedule.objects.get(name="panel-membership-daily")
    assert schedule.func == "inspira.panel.tasks.membership_daily"
    assert schedule.schedule_type == Schedule.DAILY
    assert membership_daily() == {"lapsed": 0, "reminded": 0}
