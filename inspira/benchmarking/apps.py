from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    """Benchmarking rounds for class teachers (seed 002): interest registration, a fair selection,
    groups whose members all come from different schools, a timetable of visits, substitute costs
    and the closing evaluation. Sits above events and surveys, which it uses as they are."""

    name = "inspira.benchmarking"
    label = "benchmarking"
    verbose_name = _("Benchmarking")

    def ready(self):
        from inspira.benchmarking.participants import register_participant_group

        register_participant_group()
        from inspira.benchmarking import receivers  # noqa: F401  (connects the attendance receiver)
        from inspira.benchmarking.workers import connect

        connect()  # a job worker loads the solver as it starts
