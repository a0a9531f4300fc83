from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelConfig(AppConfig):
    """The teacher panel (seed 003): members who agreed to a version of the consent text, short
    surveys drawn by stratum, chats with the leadership, questions and good examples raised by
    teachers, and focus groups. Sits above events and surveys, which it uses as they are."""

    name = "inspira.panel"
    label = "panel"
    verbose_name = _("Teacher panel")

    def ready(self):
        from inspira.panel.focus import register_focus_group

        register_focus_group()  # who may register for a focus group's event (events.eligibility)
        from inspira.panel import chats  # noqa: F401  (its receivers drop a chat's version when it changes)
