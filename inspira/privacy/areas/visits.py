"""Occasions, bookings, the waiting list, completion and feedback."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import ANONYMOUS_NAME, scrub_rows
from inspira.visits.models import (
    Booking,
    BookingOutcomeChange,
    Feedback,
    Occasion,
    SchoolVisitSettings,
    SiteVisitSettings,
    WaitingListEntry,
)

CONTACT = ["contact_name", "contact_email", "contact_phone"]
TEXT = {
    Occasion: ["place", "note", "cancellation_reason"],
    Booking: [*CONTACT, "participant_names", "message", "cancellation_reason"],
    WaitingListEntry: [*CONTACT, "participant_names", "message"],
    Feedback: ["takeaways", "questions"],
}
PROTECTED_TEXT = {BookingOutcomeChange: ["reason"]}
ACTIONS = [
    Action(SchoolVisitSettings, "updated_by", "updated_at"),
    Action(SiteVisitSettings, "updated_by", "updated_at"),
    Action(Occasion, "created_by", "created_at"),
    Action(Occasion, "cancelled_by", "cancelled_at"),
    Action(Booking, "approved_by", "approved_at"),
    Action(Booking, "cancelled_by", "cancelled_at"),
    Action(Booking, "outcome_marked_by", "outcome_marked_at"),
    Action(BookingOutcomeChange, "by", "at"),
]


def _bookings(user):
    return Booking.objects.filter(Q(booked_by=user) | Q(contact_email__iexact=user.email))


def _waiting(user):
    return WaitingListEntry.objects.filter(Q(user=user) | Q(contact_email__iexact=user.email))


def _own_contact_rows(model, owner_field, subject):
    return model.objects.filter(Q(contact_email__iexact=subject.email)
                                | Q(**{owner_field: subject.user_id, "contact_name__iexact": subject.name}))


def export(user, scrubber) -> list[Category]:
    related = ("occasion__certification__school", "school")
    bookings = [
        row(visit=b.pk, site=b.occasion.certification.display_name, date=b.occasion.date,
            visiting_school=b.school.name, participants=b.participants, participant_names=b.participant_names,
            contact_name=b.contact_name, contact_email=b.contact_email, contact_phone=b.contact_phone,
            message=b.message, status=b.get_status_display(), booked=b.created_at,
            booked_by_you=b.booked_by_id == user.pk)
        for b in _bookings(user).select_related(*related).order_by("created_at", "pk")
    ]
    waiting = [
        row(site=w.occasion.certification.display_name, date=w.occasion.date, visiting_school=w.school.name,
            participants=w.participants, participant_names=w.participant_names, contact_name=w.contact_name,
            contact_email=w.contact_email, contact_phone=w.contact_phone, message=w.message,
            status=w.get_status_display(), signed_up=w.created_at)
        for w in _waiting(user).select_related(*related).order_by("created_at", "pk")
    ]
    feedback = [
        row(visit=f.booking_id, site=f.booking.occasion.certification.display_name, rating=f.rating,
            takeaways=f.takeaways, questions=f.questions, submitted=f.submitted_at)
        for f in Feedback.objects.filter(Q(submitted_by=user) | Q(booking__in=_bookings(user)))
        .select_related("booking__occasion__certification__school").order_by("submitted_at", "pk")
    ]
    return [
        Category("bookings", _("Study visits you booked, or are the contact person of"),
                 _("Kept for the visit's fee; your name, address and phone number are replaced."), bookings),
        Category("waiting_list", _("Waiting lists you joined"),
                 _("Your name, address and phone number are replaced."), waiting),
        Category("feedback", _("Feedback you gave on visits"),
                 _("Kept for the site (it belongs to the visiting school); your name and address in it are "
                   "replaced."), feedback),
        Category("visit_actions", _("Things you did with occasions and visits"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    # The person's own contact rows are replaced whole, phone number included (a short name or number is
    # not hunted as a mention in text); a row that matches by name only keeps the address it gives.
    subject, anonymous = ctx.subject, {"contact_name": ANONYMOUS_NAME, "contact_phone": ""}
    for model, owner in ((Booking, "booked_by"), (WaitingListEntry, "user")):
        own = model.objects.filter(pk__in=list(_own_contact_rows(model, owner, subject).values_list("pk", flat=True)))
        ctx.counts["visit_contacts_replaced"] += (
            own.filter(contact_email__iexact=subject.email).update(contact_email=subject.replacement_email,
                                                                   **anonymous)
            + own.exclude(contact_email__iexact=subject.email).update(**anonymous))
    changed = 0
    for model, fields in TEXT.items():
        changed += scrub_rows(model.objects.all(), fields, ctx.scrubber)
    for model, fields in PROTECTED_TEXT.items():
        changed += scrub_rows(model.objects.all(), fields, ctx.scrubber, protected=True)
    ctx.counts["visit_records_scrubbed"] += changed


AREA = Area(
    name="visits",
    export=export,
    erase=erase,
    fields=merge(
        {model._meta.label: fields for model, fields in (TEXT | PROTECTED_TEXT).items()},
        action_fields(ACTIONS),
        {"visits.Booking": ["booked_by"], "visits.WaitingListEntry": ["user"], "visits.Feedback": ["submitted_by"]},
    ),
)
