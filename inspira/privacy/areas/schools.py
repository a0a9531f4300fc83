"""Schools' contact details, where a school uses a person's own name or address."""

from django.utils.translation import gettext_lazy as _

from inspira.privacy.base import Area, Category, ErasureContext, row
from inspira.privacy.scrub import candidates, scrub_rows
from inspira.schools.models import School

EMAIL_FIELDS = ["contact_email", "invoice_email"]
TEXT_FIELDS = ["invoice_reference", "invoice_address"]


def _schools(scrubber):
    return candidates(School.objects.all(), EMAIL_FIELDS + TEXT_FIELDS, scrubber).order_by("name", "pk")


def export(user, scrubber) -> list[Category]:
    rows = []
    for school in _schools(scrubber):
        uses = [str(School._meta.get_field(name).verbose_name) for name in EMAIL_FIELDS + TEXT_FIELDS
                if scrubber.mentions(getattr(school, name))]
        if uses:
            rows.append(row(school=school.name, fields=", ".join(uses)))
    return [Category(
        "school_details", _("Schools whose contact details name you"),
        _("Your name and address there are replaced; the school should enter new details."), rows,
    )]


def erase(ctx: ErasureContext) -> None:
    # An address field holding the person's address gets the non-deliverable one (so it stays a valid
    # address); the school should then enter a new one, as the erasure page says.
    ctx.counts["school_details_replaced"] += scrub_rows(School.objects.all(), EMAIL_FIELDS + TEXT_FIELDS,
                                                        ctx.scrubber)


AREA = Area(
    name="schools",
    export=export,
    erase=erase,
    fields={"schools.School": EMAIL_FIELDS + TEXT_FIELDS},
    not_personal={
        "schools.School.name": "The school's name, not a person's.",
        "schools.District.name": "An area of the municipality.",
        "schools.ClosedPeriod.name": "The name of a school break or study day (Höstlov, Studiedag).",
        # Skolverket's school-unit register: public data about school units and their organisers. The
        # principal's name, and the units' email and phone, are never imported.
        "schools.RegisterUnit.name": "A school unit's name, from Skolverket's public register.",
        "schools.RegisterUnit.organiser_name": "The organiser (huvudman) of a school unit: a municipality, "
                                               "a company or a foundation, from Skolverket's public register.",
        "schools.RegisterUnit.school_types": "The register's codes of a unit's school forms (GR, FKLASS).",
        "schools.RegisterImport.message": "Why an import from the register was refused: problems with the "
                                          "register's answer (unit codes, fields), written by the program.",
    },
)
