"""The effort's case page (``views.effort_detail``) in sections: each returns what its part of the page
shows for this person (``templates/efforts/includes/<section>.html``). Permissions are answered here,
on the server, as booleans the templates only read."""


def request_section(*, effort, user, now) -> dict:
    """The request and the planning meeting (with its notes)."""
    return {}


def clock_section(*, effort, user, now) -> dict:
    """The proposal clock: the deadline (the promised date for the principal), pauses, extensions. The
    centre sees the working days left, a warning from three working days before, a late mark, the log and
    the forms to pause, resume and extend."""
    from django.urls import reverse
    from django.utils import timezone

    from inspira.efforts import clock as clocks
    from inspira.efforts.forms_clock import ClockExtendForm, ClockPauseForm
    from inspira.efforts.permissions import may_lead_effort

    today = timezone.localdate(now)
    clock = clocks.clock_of(effort)
    leads = may_lead_effort(user, effort)
    context = {
        "clock": clock,
        "clock_started": clock.started_on is not None,
        "clock_met": clock.met_on is not None,
        "clock_paused": clock.paused_since is not None,
        "clock_has_deadline": clock.deadline is not None,
        "clock_late": clock.is_late(today),
        "clock_leads": leads,
    }
    if not leads:
        return context
    context.update({
        "clock_warning": clock.needs_warning(today),
        "clock_days_left": clock.working_days_left(today),
        "clock_log": list(effort.clock_events.select_related("actor").order_by("at", "pk")),
        "clock_may_pause": clocks.clock_may_pause(effort=effort),
        "clock_may_resume": clocks.clock_may_resume(effort=effort),
        "clock_may_extend": clocks.clock_may_extend(effort=effort),
        "clock_pause_form": ClockPauseForm(action=reverse("efforts:clock_pause", args=[effort.pk])),
        "clock_extend_form": ClockExtendForm(action=reverse("efforts:clock_extend", args=[effort.pk])),
    })
    return context


def proposal_section(*, effort, user, now) -> dict:
    """The proposal's versions (newest first) and the principal's answers; which version is accepted,
    and when; what this person may do next (present a version, or answer the latest)."""
    from inspira.efforts import proposals

    versions = [{"proposal": proposal, "answer": proposals.answer_of(proposal)}
                for proposal in proposals.versions_of(effort)]
    latest = versions[0]["proposal"] if versions else None
    accepted = next((v for v in versions if v["answer"] is not None
                     and v["answer"].kind == v["answer"].Kind.ACCEPTED), None)
    for version in versions:
        version["is_accepted"] = version is accepted
    may_answer = latest is not None and proposals.proposal_may_accept(proposal=latest, actor=user)
    return {
        "proposal_versions": versions,
        "proposal_latest": latest,
        "proposal_accepted": accepted,
        "may_present_proposal": proposals.proposal_may_present(effort=effort, actor=user),
        "may_accept_latest": may_answer,
        "may_request_changes_latest": (latest is not None
                                       and proposals.proposal_may_request_changes(proposal=latest, actor=user)),
    }


def delivery_section(*, effort, user, now) -> dict:
    """The sessions and the documentation; ending the effort."""
    return {}


def evaluation_section(*, effort, user, now) -> dict:
    """The evaluation at the last session and its summary for the principal."""
    return {}
