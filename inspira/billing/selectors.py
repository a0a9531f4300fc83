"""Reads the billing views and exports share."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from inspira.billing.models import FeeEntry, Invoice, Payer
from inspira.certification.models import Certification, EstablishmentSupportPayment, site_name
from inspira.core import pagecache
from inspira.schoolyears.models import SchoolYear
from inspira.visits.models import Booking

# "The site commits to receive at least five study visits per school year": tracked, not enforced.
VISIT_COMMITMENT = 5

INVOICE_STATES = ("preparing", "sent", "paid", "overdue")


def invoices(*, state: str = "", kind: str = "", school=None, today=None) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("issuer", "recipient_school", "credits").order_by("-issue_date", "-pk")
    if kind in Invoice.Kind.values:
        qs = qs.filter(kind=kind)
    if school is not None:
        qs = qs.filter(Q(issuer=school) | Q(recipient_school=school))
    if state == "preparing":
        qs = qs.preparing()
    elif state == "sent":
        qs = qs.sent()
    elif state == "paid":
        qs = qs.paid()
    elif state == "overdue":
        qs = qs.overdue(today or timezone.localdate())
    return qs


def school_invoices(school, *, issued: bool, received: bool) -> QuerySet[Invoice]:
    condition = Q(pk__in=[])
    if issued:
        condition |= Q(issuer=school)
    if received:
        condition |= Q(recipient_school=school)
    return (Invoice.objects.filter(condition).select_related("issuer", "recipient_school", "credits")
            .order_by("-issue_date", "-pk"))


def invoice_detail(invoice_id: int) -> Invoice:
    return (Invoice.objects.select_related("issuer", "recipient_school", "credits", "booking__occasion",
                                           "paid_marked_by")
            .prefetch_related("lines", "credit_notes").get(pk=invoice_id))


def support_payments(*, state: str = "") -> QuerySet[EstablishmentSupportPayment]:
    qs = (EstablishmentSupportPayment.objects
          .select_related("certification__school", "school_year", "paid_marked_by")
          .order_by("paid_on", "due_on", "pk"))
    if state == "due":
        qs = qs.filter(paid_on__isnull=True)
    elif state == "paid":
        qs = qs.filter(paid_on__isnull=False).order_by("-paid_on", "-pk")
    return qs


# --- The finance overview of a school year --------------------------------------------------------------


@dataclass
class SiteRow:
    # Plain values, not the certification: the finance page keeps the rows in the cache, and at 1 500
    # sites unpickling model instances cost more than the rest of the page (bench/RESULTS.md).
    certification_id: int
    name: str
    unit_code: str
    completed: int = 0
    booked: int = 0
    earned_ore: int = 0
    visiting_ore: int = 0
    central_ore: int = 0

    @property
    def behind(self) -> bool:
        """Behind the commitment: even the visits still booked do not reach five."""
        return self.completed + self.booked < VISIT_COMMITMENT


@dataclass
class Overview:
    school_year: SchoolYear
    sites: list[SiteRow] = field(default_factory=list)
    central_visits: int = 0
    central_ore: int = 0
    visiting_visits: int = 0
    visiting_ore: int = 0

    @property
    def total_ore(self) -> int:
        return self.central_ore + self.visiting_ore

    @property
    def completed(self) -> int:
        return sum(row.completed for row in self.sites)

    @property
    def behind_count(self) -> int:
        return sum(1 for row in self.sites if row.behind)


def _net_visits():
    # A reversal cancels the visit it reverses: count entries up, reversals down.
    return Count("pk", filter=Q(amount_ore__gt=0)) - Count("pk", filter=Q(amount_ore__lt=0))


def overview(school_year: SchoolYear, *, today: datetime.date | None = None) -> Overview:
    """Totals of the school year: per site, and the two kinds of payer. Three queries for the sites,
    one for the payers, whatever the number of sites."""
    today = today or timezone.localdate()
    start, end = school_year.starts_on, school_year.ends_on
    result = Overview(school_year=school_year)
    # Fee entries by the year's id rather than its start year: filtering on the joined school year kept
    # PostgreSQL from the entries' school-year indexes, and it read every entry ever made (bench/RESULTS.md).
    # Sites certified at some time in the year, and any other site with money in it.
    with_money = FeeEntry.objects.filter(school_year_id=school_year.pk).values("certification")
    certifications = (Certification.objects.filter(Q(starts_on__lte=end, ends_on__gte=start) | Q(pk__in=with_money))
                      .order_by("school__name", "team_name", "pk")
                      .values_list("pk", "team_name", "school__name", "school__unit_code"))
    rows = {pk: SiteRow(certification_id=pk, name=site_name(team, school), unit_code=unit_code)
            for pk, team, school, unit_code in certifications}
    visits = (Booking.objects.filter(occasion__date__range=(start, end), occasion__certification__in=list(rows))
              .values("occasion__certification")
              .annotate(completed=Count("pk", filter=Q(status=Booking.Status.COMPLETED)),
                        booked=Count("pk", filter=Q(status__in=Booking.ACTIVE_STATUSES, occasion__date__gte=today,
                                                    occasion__cancelled_at__isnull=True))))
    for item in visits:
        row = rows[item["occasion__certification"]]
        row.completed, row.booked = item["completed"], item["booked"]
    money = (FeeEntry.objects.filter(school_year_id=school_year.pk)
             .values("certification", "payer").annotate(total=Sum("amount_ore")))
    for item in money:
        row = rows.get(item["certification"])
        if row is None:
            continue
        if item["payer"] == Payer.CENTRAL:
            row.central_ore += item["total"]
        else:
            row.visiting_ore += item["total"]
        row.earned_ore += item["total"]
    result.sites = list(rows.values())
    payers = (FeeEntry.objects.filter(school_year_id=school_year.pk).values("payer")
              .annotate(total=Sum("amount_ore"), visits=_net_visits()))
    for item in payers:
        if item["payer"] == Payer.CENTRAL:
            result.central_ore, result.central_visits = item["total"], item["visits"]
        else:
            result.visiting_ore, result.visiting_visits = item["total"], item["visits"]
    return result


# Sums kept by a release whose rows had other fields must not be read by the next one (the cache outlives
# a release): the key names the fields.
_SHAPE = hashlib.sha256(repr([[f.name for f in fields(cls)] for cls in (SiteRow, Overview)]).encode()).hexdigest()[:8]


def overview_for_page(school_year: SchoolYear) -> tuple[Overview, list[dict]]:
    """The overview and the visiting schools, as the finance page shows them. Adding up a school year
    takes tens of milliseconds at 20 000 visits and hundreds at 200 000 (bench/RESULTS.md), and the
    figures change only when fee entries, bookings, occasions, sites or schools do: the sums are kept
    until such a change commits (inspira/core/pagecache.py drops them then) or the day turns, and at
    most FINANCE_OVERVIEW_CACHE_SECONDS. The exports always add up afresh."""
    today = timezone.localdate()

    def compute():
        return overview(school_year, today=today), list(visiting_schools(school_year))

    if school_year.pk is None or settings.FINANCE_OVERVIEW_CACHE_SECONDS <= 0:
        return compute()
    return pagecache.cached("finance", f"overview:{_SHAPE}:{school_year.pk}:{today.isoformat()}", compute,
                            timeout=settings.FINANCE_OVERVIEW_CACHE_SECONDS)



def visiting_schools(school_year: SchoolYear):
    """Per visiting school: visits completed (net of undone ones) and its share owed, by name."""
    return (FeeEntry.objects.filter(school_year_id=school_year.pk, payer=Payer.VISITING_SCHOOL)
            .values("payer_school", "payer_school__name", "payer_school__unit_code")
            .annotate(visits=_net_visits(), total=Sum("amount_ore"))
            .order_by("payer_school__name", "payer_school"))


def school_years_with_data() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.order_by("-start_year")
