"""Reads of the public catalogue and of the sites' own pages.

A site is a certification in force today (``Certification.objects.current()``) and shows the
content of the application it was approved on. Every read here runs a fixed number of queries
whatever the number of sites: the rows come with their school and district, and the lists
under them (school forms, pictures, plan, contacts) are prefetched once per page.
"""

import re
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from inspira.accounts.permissions import confirmed_memberships
from inspira.catalogue import hooks
from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.certification.models import Application, ApplicationImage, Certification
from inspira.core.search import text_matches

MAX_SEARCH_WORDS = 10
# Not " och ": "Idrott och hälsa" is one subject.
_SUBJECT_SEPARATORS = re.compile(r"[,;/\n]+")


def _images() -> Prefetch:
    return Prefetch("application__images", queryset=ApplicationImage.objects.order_by("position", "pk"))


def current_sites(*, on: date | None = None) -> QuerySet[Certification]:
    """The catalogue: sites whose certification is in force on ``on`` (today). A site certified again
    before its certification ended is listed once, with its newer certification."""
    renewed = Certification.objects.current(on).filter(application__previous_application=OuterRef("application"))
    return (
        Certification.objects.current(on)
        .exclude(Exists(renewed))
        .select_related("application", "school__district")
        .prefetch_related("application__school_forms", _images())
        .order_by("application__area_title", "school__name", "pk")
    )


def _words(text: str) -> list[str]:
    return text.split()[:MAX_SEARCH_WORDS]


def site_search(*, q: str = "", school_form=None, subject: str = "", area: str = "", district=None,
                free_occasions: bool = False, on: date | None = None) -> QuerySet[Certification]:
    """The catalogue narrowed down. Every word of ``q`` must occur somewhere in the site's area,
    description, subjects, school or team; every word of ``area`` in its area or description.
    ``free_occasions``: only sites with occasions to book now (when an app registered that filter,
    see ``hooks``; otherwise ignored)."""
    sites = current_sites(on=on)
    for word in _words(q):
        sites = sites.filter(text_matches(word, "application__area_title", "application__area_description",
                                          "application__subjects", "school__name", "team_name"))
    for word in _words(area):
        sites = sites.filter(text_matches(word, "application__area_title", "application__area_description"))
    if school_form is not None:
        sites = sites.filter(application__school_forms=school_form)
    if subject:
        sites = sites.filter(application__subjects__folded_contains=subject)
    if district is not None:
        sites = sites.filter(school__district=district)
    if free_occasions and hooks.free_occasions_filter is not None:
        sites = hooks.free_occasions_filter(sites)
    return sites


def split_subjects(text: str) -> list[str]:
    """The subjects a site typed (“mathematics, Swedish; English”) as a list."""
    return [s.strip(" .") for s in _SUBJECT_SEPARATORS.split(text or "") if s.strip(" .")]


def subject_choices(*, on: date | None = None) -> list[str]:
    """The subjects of the sites in the catalogue, each once (ignoring case), alphabetically."""
    found: dict[str, str] = {}
    texts = Certification.objects.current(on).values_list("application__subjects", flat=True)
    for text in texts:
        for subject in split_subjects(text):
            found.setdefault(subject.casefold(), subject[:1].upper() + subject[1:])
    return sorted(found.values(), key=str.casefold)


def site_detail(pk: int, *, on: date | None = None) -> Certification:
    """One site of the catalogue with everything its public page shows. Raises
    ``Certification.DoesNotExist`` if it is not in the catalogue today."""
    return (
        Certification.objects.current(on)
        .select_related("application", "school__district", "documentation")
        .prefetch_related(
            "application__school_forms", "application__plan_items", "application__contacts", _images(),
            Prefetch("documentation__images", queryset=DocumentationImage.objects.order_by("position", "pk")),
        )
        .get(pk=pk)
    )


def certification_for_management(pk: int) -> Certification:
    """Any certification (also ended ones) with what its management page shows."""
    return (
        Certification.objects.select_related("application", "school__district", "decision", "documentation")
        .prefetch_related(
            Prefetch("documentation__images", queryset=DocumentationImage.objects.order_by("position", "pk")),
        )
        .get(pk=pk)
    )


def documentation_of(certification: Certification) -> SiteDocumentation | None:
    """The certification's documentation, if it has one (no query when select_related)."""
    try:
        return certification.documentation
    except SiteDocumentation.DoesNotExist:
        return None


def open_reapplication(certification: Certification) -> Application | None:
    """The site's application to continue after this certification, unless withdrawn or rejected."""
    return (
        Application.objects.filter(previous_application_id=certification.application_id)
        .exclude(status__in=[Application.Status.WITHDRAWN, Application.Status.REJECTED])
        .order_by("-created_at", "-pk")
        .first()
    )


def sites_for_person(user) -> QuerySet[Certification]:
    """The certifications (current, coming and past) of the schools where ``user`` is confirmed staff."""
    school_ids = confirmed_memberships(user).values("school_id")
    return (
        Certification.objects.filter(school_id__in=school_ids)
        .select_related("application", "school", "documentation")
        .order_by("-ends_on", "-pk")
    )


DELIVERY_PERIODS = ("current", "ended", "all")


def documentation_deliveries(*, period: str = "current", delivered: bool | None = None,
                             on: date | None = None) -> QuerySet[Certification]:
    """For the administration: certifications with their documentation (if any) and support payment."""
    on = on or timezone.localdate()
    certifications = Certification.objects.all()
    if period == "current":
        certifications = Certification.objects.current(on)
    elif period == "ended":
        certifications = certifications.filter(Q(ends_on__lt=on) | Q(revoked_by__isnull=False))
    if delivered is True:
        certifications = certifications.filter(documentation__first_published_at__isnull=False)
    elif delivered is False:
        certifications = certifications.filter(
            Q(documentation__isnull=True) | Q(documentation__first_published_at__isnull=True)
        )
    return (
        certifications.select_related("application", "school__district", "documentation", "support_payment")
        .order_by("school__name", "team_name", "-starts_on", "pk")
    )
