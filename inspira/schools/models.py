from django.db import models
from django.utils.translation import gettext_lazy as _

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
