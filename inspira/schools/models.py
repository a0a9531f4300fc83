from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from inspira.core.appendonly import AppendOnlyModel
from inspira.schools.validators import validate_organisation_number, validate_unit_code


class District(models.Model):
    """An area of the municipality (stadsdelsområde), used to filter schools and sites."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolFormManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class SchoolForm(models.Model):
    """A school form (skolform). The rows are fixed and created by a migration."""

    class Code(models.TextChoices):
        PRESCHOOL = "forskola", _("Preschool")
        PRESCHOOL_CLASS = "forskoleklass", _("Preschool class")
        COMPULSORY = "grundskola", _("Compulsory school")
        COMPULSORY_ADAPTED = "anpassad_grundskola", _("Compulsory school for pupils with learning disabilities")
        UPPER_SECONDARY = "gymnasieskola", _("Upper secondary school")
        UPPER_SECONDARY_ADAPTED = "anpassad_gymnasieskola", _(
            "Upper secondary school for pupils with learning disabilities"
        )
        LEISURE_CENTRE = "fritidshem", _("Leisure-time centre")
        ADULT = "komvux", _("Municipal adult education")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # Fixtures (the demo data) name school forms by code: the rows' ids depend on the database.
    objects = SchoolFormManager()

    class Meta:
        verbose_name = _("school form")
        verbose_name_plural = _("school forms")
        ordering = ["position"]

    def __str__(self):
        # The enum's label, not get_code_display(), which rebuilds a dict of every choice on each
        # call: the catalogue prints school forms for every site on a page (bench/RESULTS.md).
        try:
            return str(self.Code(self.code).label)
        except ValueError:
            return self.code

    def natural_key(self):
        return (self.code,)


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    unit_code = models.CharField(
        _("school unit code"), max_length=8, unique=True, validators=[validate_unit_code],
        help_text=_("Skolverket's eight-digit code for the school unit."),
    )
    organisation_number = models.CharField(
        _("organisation number"), max_length=11, validators=[validate_organisation_number],
        help_text=_("The organisation that runs the school, e.g. 212000-0142. Schools of one "
                    "municipality share it."),
    )
    school_forms = models.ManyToManyField(SchoolForm, verbose_name=_("school forms"), related_name="schools")
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="schools"
    )
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6)
    city = models.CharField(_("city"), max_length=100, default="Stockholm")
    invoice_address = models.TextField(
        _("invoice address"), help_text=_("The full postal address that invoices are sent to.")
    )
    invoice_reference = models.CharField(
        _("invoice reference"), max_length=100,
        help_text=_("The reference (e.g. a cost centre or a person's code) that must be on every invoice."),
    )
    invoice_email = models.EmailField(
        _("email for invoices"), blank=True,
        help_text=_("Where PDF invoices are emailed. Leave empty to use the contact email."),
    )
    contact_email = models.EmailField(_("contact email"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name", "unit_code"]
        indexes = [models.Index(fields=["name"], name="school_name")]

    def __str__(self):
        return self.name

    @property
    def billing_email(self) -> str:
        return self.invoice_email or self.contact_email


class ClosedPeriod(models.Model):
    """Days when a school is closed: a break (lov), a study day (studiedag) or another closure.

    Without a school it is the municipality's and closes every school (the administration keeps
    those); with one, only that school (its principal keeps those). No occasion can be offered at
    a school on a day it is closed (``inspira.visits.services.occasion_date_problems``).
    """

    class Kind(models.TextChoices):
        BREAK = "break", _("School break")
        STUDY_DAY = "study_day", _("Study day")
        OTHER = "other", _("Other closure")

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="closed_periods",
        help_text=_("Empty: the municipality's, for every school."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. Höstlov or Studiedag."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BREAK)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), help_text=_("The last day the school is closed."))

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="closed_period_ends_after_start"),
        ]
        indexes = [models.Index(fields=["school", "starts_on"], name="closed_period_school_start")]

    def __str__(self):
        return self.name


# --- Skolverket's school-unit register (Skolenhetsregistret) ------------------------------------------------------

# The register's school forms (its codes, CodeSchoolType), as Skolverket names them.
REGISTER_SCHOOL_TYPES = {
    "FKLASS": _("Preschool class"),
    "FTH": _("Leisure-time centre"),
    "OPPFTH": _("Open leisure-time activities"),
    "GR": _("Compulsory school"),
    "GRAN": _("Compulsory school for pupils with learning disabilities"),
    "SP": _("Special school"),
    "SAM": _("Sami school"),
    "GY": _("Upper secondary school"),
    "GYAN": _("Upper secondary school for pupils with learning disabilities"),
    "VUX": _("Municipal adult education"),
}


def school_form_label(code: str) -> str:
    """The name of a school form given by Inspira's code (``grundskola``) or the register's (``GR``)."""
    if code in REGISTER_SCHOOL_TYPES:
        return str(REGISTER_SCHOOL_TYPES[code])
    try:
        return str(SchoolForm.Code(code).label)
    except ValueError:
        return code


class RegisterImport(models.Model):
    """One run of the import from Skolverket's register: when, from where, what it did, or why nothing was
    imported (a malformed answer, a register out of reach). Such a run changed nothing
    (``inspira.schools.register``)."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Not imported")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly job")
        COMMAND = "command", _("Command")
        DEMO = "demo", _("Demo data")

    municipality_code = models.CharField(_("municipality code"), max_length=4)
    source = models.CharField(_("source"), max_length=500, help_text=_("The register's address, or the file read."))
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices)
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"))
    extract_date = models.DateTimeField(_("register extract of"), null=True, blank=True,
                                        help_text=_("When Skolverket extracted the list that was read."))
    units = models.PositiveIntegerField(_("units read"), default=0)
    added = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    unlisted = models.PositiveIntegerField(_("no longer listed"), default=0)
    skipped = models.PositiveIntegerField(_("left out"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.municipality_code} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def is_imported(self) -> bool:
        return self.outcome == self.Outcome.IMPORTED

    @property
    def summary(self) -> str:
        """What the import did, in a sentence for a page or a command; a refusal's message as it is."""
        if not self.is_imported:
            return self.message
        return gettext("Units read: %(units)d. New: %(added)d, changed: %(changed)d, closed: %(closed)d, no "
                        "longer listed: %(unlisted)d, left out (planned, or no school one visits): %(skipped)d.") % {
            "units": self.units, "added": self.added, "changed": self.changed, "closed": self.closed,
            "unlisted": self.unlisted, "skipped": self.skipped}


class RegisterUnit(models.Model):
    """A school unit (skolenhet) as Skolverket's register last gave it.

    The register's own copy, apart from ``School``: a new unit lacks what a school in Inspira must
    have (district, invoice address and reference, contact email), so an administrator completes it
    into a school (docs/decisions.md). A school in Inspira is the unit with the same unit code; the
    import keeps its name, address, organisation number and school forms as the register says, with a
    history (``RegisterChange``). Units are never deleted: a closed one stays, flagged.
    """

    class Status(models.TextChoices):
        # Skolverket's words: aktiv, vilande, upphörd (the context keeps them apart from other "closed"s).
        ACTIVE = "active", pgettext_lazy("a school unit in the register", "Active")
        DORMANT = "dormant", pgettext_lazy("a school unit in the register", "Dormant")
        CLOSED = "closed", pgettext_lazy("a school unit in the register", "Closed")

    unit_code = models.CharField(_("school unit code"), max_length=8, unique=True, validators=[validate_unit_code])
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    municipality_code = models.CharField(_("municipality code"), max_length=4, db_index=True)
    organiser_name = models.CharField(_("organiser"), max_length=200, blank=True)
    organisation_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    organiser_type = models.CharField(_("type of organiser"), max_length=10, blank=True,
                                      help_text=_("The register's code, e.g. KOMMUN or ENSKILD."))
    school_types = models.JSONField(_("school forms in the register"), default=list, blank=True,
                                    help_text=_("The register's codes, e.g. GR or FKLASS."))
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    starts_on = models.DateField(_("started"), null=True, blank=True)
    ends_on = models.DateField(_("ended"), null=True, blank=True)
    listed = models.BooleanField(
        _("in the register's list"), default=True,
        help_text=_("Off when the latest import no longer found the unit in the municipality's list."),
    )
    first_imported_at = models.DateTimeField(_("first imported"))
    last_imported_at = models.DateTimeField(_("last imported"))
    closed_at = models.DateTimeField(_("found closed"), null=True, blank=True,
                                     help_text=_("When an import first found the unit closed."))
    # The register has no successor: an administrator records it by hand when units merge.
    successor = models.ForeignKey(
        "self", verbose_name=_("successor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    successor_recorded_at = models.DateTimeField(_("successor recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("register unit")
        verbose_name_plural = _("register units")
        ordering = ["name", "unit_code"]
        indexes = [models.Index(fields=["status", "name"], name="register_unit_status_name")]

    def __str__(self):
        return f"{self.name} ({self.unit_code})"

    is_active = property(lambda self: self.status == self.Status.ACTIVE)
    is_dormant = property(lambda self: self.status == self.Status.DORMANT)
    is_closed = property(lambda self: self.status == self.Status.CLOSED)

    @property
    def school_type_labels(self) -> list[str]:
        return [school_form_label(code) for code in self.school_types]

    @property
    def status_tone(self) -> str:
        """The Bootstrap colour of the status badge."""
        return self.tone_of(self.status)

    @classmethod
    def tone_of(cls, status: str) -> str:
        return {cls.Status.ACTIVE: "success", cls.Status.DORMANT: "warning"}.get(status, "danger")


class RegisterChange(AppendOnlyModel):
    """One change the register brought, or an administrator's successor: what changed, when, from
    what to what. ``school`` is the school in Inspira the change applied to, when there is one; its
    old value is then the school's as it was in Inspira (a hand-typed name, say). Written once."""

    class Field(models.TextChoices):
        ADDED = "added", _("New in the register")
        NAME = "name", _("Name")
        STREET_ADDRESS = "street_address", _("Street address")
        POSTAL_CODE = "postal_code", _("Postal code")
        CITY = "city", _("City")
        ORGANISER = "organiser", _("Organiser")
        ORGANISATION_NUMBER = "organisation_number", _("Organisation number")
        SCHOOL_FORMS = "school_forms", _("School forms")
        STATUS = "status", _("Status")
        LISTED = "listed", _("In the register's list")
        SUCCESSOR = "successor", _("Successor")

    APPEND_ONLY_HINT = "a later change is a new row"

    unit = models.ForeignKey(RegisterUnit, verbose_name=_("register unit"), on_delete=models.PROTECT,
                             related_name="changes")
    school = models.ForeignKey(School, verbose_name=_("school"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="register_changes")
    run = models.ForeignKey(RegisterImport, verbose_name=_("import"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="changes",
                            help_text=_("Empty for what an administrator recorded by hand."))
    field = models.CharField(_("what"), max_length=30, choices=Field.choices)
    old_value = models.CharField(_("before"), max_length=300, blank=True)
    new_value = models.CharField(_("after"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("register change")
        verbose_name_plural = _("register changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["unit", "at"], name="register_change_unit_at")]

    def __str__(self):
        return f"{self.unit_id} {self.field}: {self.old_value} -> {self.new_value}"

    def _display(self, value: str) -> str:
        # Statuses, the listing and school forms are stored as codes and named in the reader's language.
        if not value:
            return ""
        if self.field == self.Field.STATUS:
            try:
                return str(RegisterUnit.Status(value).label)
            except ValueError:
                return value
        if self.field == self.Field.LISTED:
            return str(_("Listed") if value == "yes" else _("Not listed"))
        if self.field == self.Field.SCHOOL_FORMS:
            return ", ".join(school_form_label(code) for code in value.split(", "))
        return value

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)
