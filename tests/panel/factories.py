"""Members, chats, questions and examples for the panel tests (the rest comes from tests.factories).
The one builder module of tests/panel: add what a test needs here, not in a module of its own."""

from datetime import timedelta

import factory
from django.utils import timezone

from inspira.panel.models import Chat, ChatQuestion, ConsentText, Member, Submission
from inspira.schools.models import SchoolForm
from tests.factories import (
    DistrictFactory,
    EventFactory,
    ProgrammeCoordinatorFactory,
    SchoolFactory,
    member,
    programme,
)


def panel_on():
    """Switch the teacher panel on (it is off by default) and drop the cached state."""
    from inspira.programmes import state

    programme("teacher_panel").__class__.objects.filter(key="teacher_panel").update(is_active=True)
    state.forget()
    return programme("teacher_panel")


def coordinator():
    """A coordinator of the teacher panel (switched on)."""
    panel_on()
    return ProgrammeCoordinatorFactory(programme=programme("teacher_panel")).user


def consent_text():
    """The consent text in force (version 1 comes from the migration)."""
    return ConsentText.objects.order_by("-version").first()


def school_form(code="grundskola"):
    return SchoolForm.objects.get(code=code)


def teacher(school=None, **user_fields):
    """A confirmed member of staff at a school: someone who may join the panel."""
    return member(school or SchoolFactory(), **user_fields)


class MemberFactory(factory.django.DjangoModelFactory):
    """An active member of the panel (a teacher of a school of their own), consent given today."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.LazyFunction(teacher)
    school_form = factory.LazyFunction(school_form)
    district = factory.LazyFunction(lambda: DistrictFactory(name="Södermalm"))
    frequency_days = Member.Frequency.MONTH
    focus_groups = True
    consent_text = factory.LazyFunction(consent_text)
    consented_at = factory.LazyFunction(timezone.now)
    consent_until = factory.LazyAttribute(lambda o: o.consented_at + timedelta(days=365))
    joined_at = factory.LazyAttribute(lambda o: o.consented_at)


def chat_event(**fields):
    """An event of the panel of kind chat, tomorrow 15:00-16:00 unless told."""
    start = timezone.now() + timedelta(days=1)
    fields.setdefault("starts_at", start)
    fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=1))
    return EventFactory(programme=panel_on(), kind="chat", title=fields.pop("title", "Chatt med skolborgarrådet"),
                        capacity=fields.pop("capacity", 500), is_public=False, **fields)


class ChatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chat

    event = factory.LazyFunction(chat_event)
    leadership = Chat.Leadership.COMMISSIONER


class ChatQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatQuestion

    chat = factory.SubFactory(ChatFactory)
    author = factory.LazyFunction(lambda: MemberFactory().user)
    text = factory.Sequence(lambda n: f"Hur ska vi minska den administrativa bördan för lärare? ({n})")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    kind = Submission.Kind.QUESTION
    author = factory.LazyFunction(lambda: MemberFactory().user)
    title = factory.Sequence(lambda n: f"Fler lärare i fritidshemmet {n}")
    body = "Vi behöver fler behöriga lärare i fritidshemmet för att nå målen."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=21))


# --- focus groups (part focus) ---------------------------------------------------------------------------------

def focus_event(**fields):
    """An event of the panel of kind focus group, open only to the members invited to it, in two weeks."""
    from inspira.panel.focus import GROUP_KEY

    return EventFactory(programme=panel_on(), kind="focus_group", title=fields.pop("title", "Fokusgrupp om läxor"),
                        capacity=fields.pop("capacity", 30), is_public=False, eligibility="group",
                        eligible_group=GROUP_KEY, **fields)
