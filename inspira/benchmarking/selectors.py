"""Reads of benchmarking rounds that the pages share, each in a fixed number of queries."""

from django.db.models import Count, Q
from django.utils import timezone

from inspira.benchmarking.models import Interest, Quote, Round

ACTIVE = Q(interests__withdrawn_at__isnull=True)


def rounds_for_coordinator():
    """Every round, newest first, with its counts of standing registrations."""
    return (Round.objects.select_related("kickoff", "closing")
            .annotate(registered=Count("interests", filter=ACTIVE))
            .order_by("-interest_opens_at", "-pk"))


def round_counts(benchmarking_round: Round) -> dict:
    """Registered (standing), withdrawn, and the schools the standing registrations represent."""
    return Interest.objects.filter(round=benchmarking_round).aggregate(
        registered=Count("pk", filter=Q(withdrawn_at__isnull=True)),
        withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)),
        schools=Count("school", filter=Q(withdrawn_at__isnull=True), distinct=True),
    )


def round_interests(benchmarking_round: Round):
    """The standing registrations of a round in registration order (the selection's order)."""
    return (Interest.objects.filter(round=benchmarking_round, withdrawn_at__isnull=True)
            .select_related("user", "school", "deferred_from").order_by("registered_at", "pk"))


def open_rounds(now=None):
    """Rounds open for interest registration now, the soonest closing first."""
    now = now or timezone.now()
    return (Round.objects.filter(stage=Round.Stage.INTEREST, interest_opens_at__lte=now, interest_closes_at__gt=now)
            .order_by("interest_closes_at", "pk"))


def my_interests(user):
    """The person's registrations, newest first, withdrawn ones too."""
    return (Interest.objects.filter(user=user).select_related("round", "school", "group", "date_answer")
            .order_by("-registered_at", "-pk"))


def published_quotes(limit: int = 6) -> list[Quote]:
    """Quotes published on the programme's page (each with its writer's recorded consent), newest first."""
    return list(Quote.objects.filter(published_at__isnull=False).select_related("author")
                .order_by("-published_at", "-pk")[:limit])


def open_interests_of_schools(school_ids):
    """The standing registrations of ``school_ids`` in rounds not finished (admitted or not decided yet),
    for the list of closed schools."""
    return (Interest.objects.filter(school_id__in=school_ids, withdrawn_at__isnull=True)
            .exclude(round__stage=Round.Stage.FINISHED).exclude(decision=Interest.Decision.NOT_ADMITTED)
            .select_related("round").order_by("round__interest_opens_at", "pk"))
