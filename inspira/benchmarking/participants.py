"""The round's participants as a named group of the events app: the kick-off and the closing
meeting of a round are open to that round's admitted participants only."""

from django.utils.translation import gettext_lazy as _

from inspira.events import eligibility

GROUP_KEY = "benchmarking:participants"


def is_participant(user, event=None) -> bool:
    """Whether ``user`` is admitted to the round whose kick-off or closing meeting ``event`` is
    (without an event: to any round that is not finished)."""
    from inspira.benchmarking.models import Interest, Round

    admitted = Interest.objects.filter(user=user, withdrawn_at__isnull=True, decision=Interest.Decision.ADMITTED)
    if event is None:
        return admitted.exclude(round__stage=Round.Stage.FINISHED).exists()
    return admitted.filter(round__kickoff=event).exists() or admitted.filter(round__closing=event).exists()


def register_participant_group() -> None:
    eligibility.register_group(GROUP_KEY, _("Participants of the benchmarking round"), members=is_participant)
