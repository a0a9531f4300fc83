from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EffortsConfig(AppConfig):
    """Development efforts: the centre's tailor-made professional development (seed 001) and the
    multi-year cooperation programmes (seed 004). Sits above events and surveys, which it uses as they are."""

    name = "inspira.efforts"
    label = "efforts"
    verbose_name = _("Development efforts")

    def ready(self):
        from inspira.efforts.planning import register_planning_group

        register_planning_group()  # who may register for an effort's planning meeting (events.eligibility)
        from inspira.efforts.sessions import register_staff_group

        # The sessions are open to the staff of the effort's units (events.eligibility).
        register_staff_group()
        from inspira.efforts.cooperation_participants import register_participant_group

        register_participant_group()
