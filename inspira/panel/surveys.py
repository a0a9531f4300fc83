"""Short surveys of the panel: an engine survey in the panel's programme, a draw of who is asked,
sending to exactly those drawn (re-checked at send time) and reminders to those who have not answered.

The survey itself, its questions, answers and results are the survey engine's (``inspira.surveys``);
this module only decides who is asked."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.panel.models import Draw, Member
from inspira.panel.sampling import DrawError, active_members, askable_members, draw_make
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme
from inspira.surveys import services as engine
from inspira.surveys.models import Survey


def panel_programme() -> Programme:
    return Programme.objects.get(key=Key.TEACHER_PANEL)


def panel_survey_create(*, title: str, closes_at, actor, intro: str = "", now=None) -> Survey:
    """A draft engine survey in the panel's programme; its questions are written in the engine's builder."""
    return engine.survey_create(programme=panel_programme(), title=title, intro=intro, closes_at=closes_at,
                                actor=actor, now=now)


def survey_draw_current(survey: Survey) -> Draw | None:
    return Draw.objects.filter(survey=survey, purpose=Draw.Purpose.SURVEY).order_by("-made_at", "-pk").first()


def survey_may_draw(*, survey: Survey, now=None) -> bool:
    draw = survey_draw_current(survey)
    return survey.state(now or timezone.now()) != Survey.State.CLOSED and not (draw and draw.sent_at)


@transaction.atomic
def survey_draw(*, survey: Survey, actor, sizes: dict[str, int] | None = None, seed: int | None = None,
                now=None) -> Draw:
    """Draw who is asked: every askable member (``sizes`` None) or a size per stratum. An unsent draw is
    replaced by the new one; a sent draw is final."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey_may_draw(survey=survey, now=now):
        raise DrawError(_("The invitations have been sent; the draw can no longer be changed."))
    Draw.objects.filter(survey=survey, sent_at__isnull=True).delete()
    draw = draw_make(purpose=Draw.Purpose.SURVEY, members=askable_members(now), actor=actor, sizes=sizes,
                     survey=survey, seed=seed, now=now)
    audit_record(actor=actor, action="panel.survey_draw", obj=survey, summary=survey.title,
                 data={"draw": draw.pk, "seed": draw.seed, "mode": draw.mode, "picked": draw.picks.count()})
    return draw


@transaction.atomic
def survey_send(*, survey: Survey, actor, now=None) -> int:
    """Open the survey if it is a draft and invite the drawn members still in the panel now."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    draw = survey_draw_current(survey)
    if draw is None:
        raise DrawError(_("Draw who is asked before sending."))
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.sent_at:
        raise DrawError(_("The invitations have already been sent."))
    if survey.state(now) == Survey.State.DRAFT:
        survey = engine.survey_open(survey=survey, actor=actor, now=now)
    # Re-checked now: whoever left or lapsed since the draw is not invited.
    still_in = active_members(now).filter(pk__in=draw.picks.values("member_id"))
    users = [m.user for m in Member.objects.filter(pk__in=still_in).select_related("user").order_by("pk")]
    note = ""
    if len(users) < settings.INSPIRA_PANEL_SMALL_GROUP:
        note = _("This survey is sent to a small group of %(n)s members, so your answer weighs more.") % {
            "n": len(users)}
    invited = engine.survey_invite(survey=survey, users=users, now=now, actor=actor, note=note)
    draw.sent_at = now
    draw.save(update_fields=["sent_at"])
    audit_record(actor=actor, action="panel.survey_send", obj=survey, summary=survey.title,
                 data={"draw": draw.pk, "invited": len(invited)})
    return len(invited)


def survey_remind(*, survey: Survey, actor, now=None) -> int:
    """The engine's reminder: only those invited who have not answered."""
    return engine.survey_remind(survey=survey, actor=actor, now=now)
