"""What the product knows about each programme: its key, its name and its short description, in
code (translated with gettext) rather than in the database, so every language has the same words.

``NAMESPACES`` is the one place that says which URL namespaces belong to which programme: the
middleware answers 404 for them while the programme is off, and the menu leaves out their entries.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Key(models.TextChoices):
    INSPIRATION_SITES = "inspiration_sites", _("Inspiration sites")
    BENCHMARKING = "benchmarking", _("Benchmarking for class teachers")
    TAILOR_MADE = "tailor_made", _("Tailor-made professional development")
    TEACHER_PANEL = "teacher_panel", _("Teacher panel")
    COOPERATION = "cooperation", _("Cooperation for the best school")


@dataclass(frozen=True)
class ProgrammeInfo:
    key: str
    name: str
    description: str
    default_active: bool


# In the order the home page and the administrators' list show them. Descriptions restate each
# programme's own presentation of itself.
PROGRAMMES = (
    ProgrammeInfo(Key.INSPIRATION_SITES, Key.INSPIRATION_SITES.label, _(
        "Schools and teams share their way of working with colleagues on study visits – and get feedback "
        "and constructive questions back. Shared knowledge is more than twice as much knowledge."), True),
    ProgrammeInfo(Key.BENCHMARKING, Key.BENCHMARKING.label, _(
        "Teachers from different schools visit each other. In small groups, each of you hosts a visit at "
        "your school and visits the others, and at a closing meeting you analyse what you can learn from "
        "each other."), False),
    ProgrammeInfo(Key.TAILOR_MADE, Key.TAILOR_MADE.label, _(
        "The development centre starts from your unit's conditions and needs and, together with the "
        "principal, creates a process-oriented professional development effort."), False),
    ProgrammeInfo(Key.TEACHER_PANEL, Key.TEACHER_PANEL.label, _(
        "A quick and simple way to find out what teachers think about current school questions, and to "
        "develop the dialogue between teachers, the administration's leadership and the political level."),
        False),
    ProgrammeInfo(Key.COOPERATION, Key.COOPERATION.label, _(
        "Development on several levels – political leadership, administration and school units – with "
        "process leaders, ending in a closing seminar where lessons and good examples are presented."),
        False),
)
INFO = {info.key: info for info in PROGRAMMES}
ORDER = {info.key: position for position, info in enumerate(PROGRAMMES)}
DEFAULT_ACTIVE = frozenset(info.key for info in PROGRAMMES if info.default_active)

# URL namespace -> the programme whose pages they are. Billing is left out on purpose: invoices,
# credit notes and establishment support are bookkeeping the finance staff must keep reaching (and
# fees already earned must still be invoiced) whatever happens to the programme that earned them.
NAMESPACES = {
    "certification": Key.INSPIRATION_SITES,
    "catalogue": Key.INSPIRATION_SITES,
    "visits": Key.INSPIRATION_SITES,
    "benchmarking": Key.BENCHMARKING,
    "efforts": Key.TAILOR_MADE,
    "cooperation": Key.COOPERATION,
    "panel": Key.TEACHER_PANEL,
}


def programme_of_namespace(namespace: str) -> str | None:
    return NAMESPACES.get(namespace)


def programme_of_url_name(url_name: str) -> str | None:
    """``"visits:mine"`` -> ``"inspiration_sites"``; None for pages that belong to no programme."""
    namespace, _sep, _name = url_name.rpartition(":")
    return programme_of_namespace(namespace.split(":")[0]) if namespace else None
