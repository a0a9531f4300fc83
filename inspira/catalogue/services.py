"""State changes of the catalogue: the sites' pedagogical documentation, re-applying before a
certification ends, the reminders that it is about to end, and the leaflet files."""

import base64
import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership, User
from inspira.catalogue import media, selectors
from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.catalogue.selectors import open_reapplication
from inspira.certification import services as certification_services
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    Certification,
)
from inspira.core.addresses import normalise_email
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.models import OutboxItem
from inspira.core.storage import private_storage

MAX_DOCUMENTATION_IMAGES = 20
# Days before a certification's last day on which the site is reminded.
REMINDER_DAYS = (90, 30)
# Raise when the leaflet's template changes, so leaflets already made are made again.
LEAFLET_VERSION = 2
# What fits on the leaflet's one page: the rest is on the site's page, which the leaflet links to.
LEAFLET_PITCH_WORDS = 50
LEAFLET_PLAN_ROWS = 6


class CatalogueError(Exception):
    """Message is translated; views show it as is."""


class DocumentationIncomplete(CatalogueError):
    def __init__(self, problems: list[str]):
        super().__init__(_("The documentation cannot be published yet."))
        self.problems = problems


class ReapplicationExists(CatalogueError):
    def __init__(self, application: Application):
        super().__init__(_("The site has already applied again. Continue that application."))
        self.application = application


def certification_has_ended(certification: Certification, *, today: date) -> bool:
    return certification.revoked_by_id is not None or certification.ends_on < today


# --- The pedagogical documentation --------------------------------------------------------------

def publication_problems(documentation: SiteDocumentation, *, has_video: bool | None = None,
                         image_count: int | None = None) -> list[str]:
    """What stops ``documentation`` from being published: the programme asks for a written
    documentation illustrated with pictures and/or film."""
    has_video = bool(documentation.video) if has_video is None else has_video
    if image_count is None:
        image_count = documentation.images.count() if documentation.pk else 0
    has_film = has_video or bool(documentation.film_link)
    problems = []
    if not documentation.text.strip():
        problems.append(_("Write the text of the documentation."))
    if not image_count and not has_film:
        problems.append(_("Illustrate the documentation with at least one picture or a film."))
    if has_film and not documentation.film_description.strip():
        problems.append(_("Describe what the film shows and says, for those who cannot see or hear it."))
    return problems


def _documentation_for_edit(certification: Certification, now) -> SiteDocumentation:
    """The certification's documentation, locked (created if it has none yet). Refuses once the
    certification has ended: the site is no longer in the catalogue."""
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    if certification_has_ended(certification, today=timezone.localdate(now)):
        raise CatalogueError(_("The certification has ended, so the documentation can no longer be changed."))
    documentation, _created = SiteDocumentation.objects.select_for_update().get_or_create(
        certification=certification
    )
    return documentation


@transaction.atomic
def documentation_save(*, certification: Certification, actor: User, text: str, film_link: str = "",
                       film_description: str = "", video=None, remove_video: bool = False,
                       now=None) -> SiteDocumentation:
    """Save the text and the film (an uploaded ``video`` file or a ``film_link``, not both). A
    published documentation must still meet the rules for publication after the change."""
    now = now or timezone.now()
    documentation = _documentation_for_edit(certification, now)
    old_video = documentation.video.name if documentation.video else ""
    content_type = ""
    if video is not None:
        try:
            content_type = media.video_content_type(video)
        except media.VideoRejected as e:
            raise CatalogueError(str(e)) from e
    film_link = film_link.strip()
    if film_link and not film_link.startswith("https://"):
        raise CatalogueError(_("The link must start with https://."))
    has_video = video is not None or (bool(old_video) and not remove_video)
    if has_video and film_link:
        raise CatalogueError(_("Give either a film file or a link to a film, not both."))

    documentation.text = text.strip()
    documentation.film_link = film_link
    documentation.film_description = film_description.strip()
    if documentation.is_published:
        problems = publication_problems(documentation, has_video=has_video)
        if problems:
            raise DocumentationIncomplete(problems)
    if remove_video or video is not None:
        documentation.video = ""
        documentation.video_content_type = ""
        documentation.video_size = 0
    documentation.updated_by = actor
    if video is not None:
        documentation.video_content_type = content_type
        documentation.video_size = video.size
        documentation.video.save("film", video, save=False)
    try:
        documentation.save()
    except Exception:
        if video is not None:
            documentation.video.delete(save=False)
        raise
    if old_video and old_video != documentation.video.name:
        _delete_on_commit(old_video)
    return documentation


def _delete_on_commit(name: str, storage=default_storage) -> None:
    # Only once the row no longer names it; a rolled-back change keeps its file.
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def documentation_image_add(*, certification: Certification, actor: User, prepared,
                            alt_text: str, now=None) -> DocumentationImage:
    """Add a picture already checked and re-encoded by ``core.uploads.prepare_image``."""
    now = now or timezone.now()
    documentation = _documentation_for_edit(certification, now)
    count = documentation.images.count()
    if count >= MAX_DOCUMENTATION_IMAGES:
        raise CatalogueError(_("The documentation may have at most %(count)s pictures.") % {
            "count": MAX_DOCUMENTATION_IMAGES})
    alt_text = alt_text.strip()
    if not alt_text:
        raise CatalogueError(_("Describe what the picture shows."))
    image = DocumentationImage(documentation=documentation, alt_text=alt_text, width=prepared.width,
                               height=prepared.height, position=count)
    image.image.save("picture.jpg", prepared.content, save=False)
    try:
        image.save()
    except Exception:
        image.image.delete(save=False)
        raise
    documentation.updated_by = actor
    documentation.save(update_fields=["updated_by", "updated_at"])
    return image


@transaction.atomic
def documentation_image_delete(*, certification: Certification, actor: User, image: DocumentationImage,
                               now=None) -> None:
    now = now or timezone.now()
    documentation = _documentation_for_edit(certification, now)
    if image.documentation_id != documentation.pk:
        raise CatalogueError(_("The picture belongs to another documentation."))
    if documentation.is_published:
        problems = publication_problems(documentation, image_count=documentation.images.count() - 1)
        if problems:
            raise DocumentationIncomplete(problems)
    names = [image.image.name, media.thumbnail_name(image.image.name)]
    storage = image.image.storage
    image.delete()
    documentation.updated_by = actor
    documentation.save(update_fields=["updated_by", "updated_at"])
    for name in names:
        _delete_on_commit(name, storage)


@transaction.atomic
def documentation_publish(*, certification: Certification, actor: User, now=None) -> SiteDocumentation:
    """Show the documentation on the site's public page. The first publication is the delivery
    the administration follows up."""
    now = now or timezone.now()
    documentation = _documentation_for_edit(certification, now)
    problems = publication_problems(documentation)
    if problems:
        raise DocumentationIncomplete(problems)
    documentation.is_published = True
    documentation.published_at = now
    documentation.first_published_at = documentation.first_published_at or now
    documentation.updated_by = actor
    documentation.save()
    return documentation


@transaction.atomic
def documentation_unpublish(*, certification: Certification, actor: User, now=None) -> SiteDocumentation:
    """Take the documentation down from the public page (it stays as a draft; the delivery stays
    recorded)."""
    now = now or timezone.now()
    documentation = _documentation_for_edit(certification, now)
    documentation.is_published = False
    documentation.updated_by = actor
    documentation.save()
    return documentation


# --- Re-applying before the certification ends -----------------------------------------------------

# What a new application takes over from the last one. Not the commitment to five visits: the
# school makes it again. Not the trail, the endorsement or anything of the casework.
REAPPLY_FIELDS = (
    "area_title", "area_description", "experience_since", "plan_introduction", "grades", "subjects",
    "principal_name", "principal_email",
)


@transaction.atomic
def application_reapply(*, certification: Certification, user: User, now=None) -> Application:
    """Start the site's next application: a draft prefilled from the application it was certified
    on (content, plan, target groups, contacts and pictures), naming it as the previous one."""
    now = now or timezone.now()
    certification = Certification.objects.select_for_update().select_related("school").get(pk=certification.pk)
    if certification_has_ended(certification, today=timezone.localdate(now)):
        raise CatalogueError(_(
            "The certification has ended. Start a new application instead of applying again."
        ))
    existing = open_reapplication(certification)
    if existing is not None:
        raise ReapplicationExists(existing)
    previous = Application.objects.prefetch_related("plan_items", "contacts", "images", "school_forms").get(
        pk=certification.application_id
    )
    application = certification_services.application_create(
        school=certification.school, applicant=user, team_name=certification.team_name, now=now
    )
    for name in REAPPLY_FIELDS:
        setattr(application, name, getattr(previous, name))
    application.previous_application = previous
    application.save()
    application.school_forms.set(previous.school_forms.all())
    ApplicationPlanItem.objects.bulk_create([
        ApplicationPlanItem(application=application, position=item.position, start_time=item.start_time,
                            end_time=item.end_time, activity=item.activity)
        for item in previous.plan_items.all()
    ])
    ApplicationContact.objects.bulk_create([
        ApplicationContact(application=application, position=c.position, name=c.name, email=c.email, phone=c.phone)
        for c in previous.contacts.all()
    ])
    _copy_images(previous, application)
    return application


def _copy_images(source: Application, target: Application) -> None:
    """Copy the pictures as new files, so either application may later remove its own. A picture
    whose file is gone is left out."""
    written = []
    try:
        for picture in source.images.all():
            try:
                with picture.image.open("rb") as f:
                    content = f.read()
            except OSError:
                continue
            copy = ApplicationImage(application=target, alt_text=picture.alt_text, width=picture.width,
                                    height=picture.height, position=picture.position)
            copy.image.save("picture.jpg", ContentFile(content), save=False)
            written.append(copy.image.name)
            copy.save()
    except Exception:
        for name in written:
            ApplicationImage._meta.get_field("image").storage.delete(name)
        raise


# --- Reminders that a certification ends ---------------------------------------------------------------

def reminder_threshold(days_left: int) -> int | None:
    """Which reminder is due with ``days_left`` days to the last day: the smallest of
    ``REMINDER_DAYS`` not below it. A job that missed a day still sends it the next day."""
    due = [d for d in REMINDER_DAYS if 0 <= days_left <= d]
    return min(due) if due else None


def reminder_key(certification: Certification, threshold: int) -> str:
    return f"certification-expiry:{certification.pk}:{threshold}"


def expiry_reminders_send(*, today: date | None = None) -> list[str]:
    """Remind each site 90 and 30 days before its certification ends (site contacts and the
    school's contact address), unless it has already been certified again. Each reminder is sent
    once, however often this runs: its key names the certification and the reminder. Returns the
    keys of the reminders enqueued now."""
    today = today or timezone.localdate()
    certifications = list(
        Certification.objects.current(today)
        .filter(ends_on__lte=today + timedelta(days=max(REMINDER_DAYS)))
        .select_related("application", "school")
        .order_by("ends_on", "pk")
    )
    due = {}
    for certification in certifications:
        threshold = reminder_threshold((certification.ends_on - today).days)
        if threshold is not None:
            due[reminder_key(certification, threshold)] = (certification, threshold)
    already_sent = set(OutboxItem.objects.filter(key__in=due).values_list("key", flat=True))
    pending = {key: value for key, value in due.items() if key not in already_sent}
    if not pending:
        return []

    school_ids = {c.school_id for c, _t in pending.values()}
    site_contacts: dict[int, list[str]] = {}
    for school_id, email in (
        Membership.objects.filter(school_id__in=school_ids, role=Membership.Role.SITE_CONTACT,
                                  confirmed_at__isnull=False, user__is_active=True)
        .order_by("user__email").values_list("school_id", "user__email")
    ):
        site_contacts.setdefault(school_id, []).append(email)
    reapplications = dict(
        Application.objects.filter(previous_application_id__in=[c.application_id for c, _t in pending.values()])
        .exclude(status__in=[Application.Status.WITHDRAWN, Application.Status.REJECTED])
        .values_list("previous_application_id", "status")
    )

    sent = []
    for key, (certification, threshold) in pending.items():
        if reapplications.get(certification.application_id) == Application.Status.APPROVED:
            continue  # certified again: nothing to remind of
        recipients = []
        for email in [*site_contacts.get(certification.school_id, []), certification.school.contact_email]:
            if email and normalise_email(email) not in {normalise_email(r) for r in recipients}:
                recipients.append(email)
        email_enqueue(
            key=key, to=recipients, template="certification_expiry_reminder",
            context={
                "site_name": certification.display_name,
                "area_title": certification.application.area_title,
                "starts_on": certification.starts_on,
                "ends_on": certification.ends_on,
                "days_left": (certification.ends_on - today).days,
                "threshold": threshold,
                "reapplication_status": reapplications.get(certification.application_id, ""),
                "manage_url": absolute_url("catalogue:manage", certification.pk),
            },
        )
        sent.append(key)
    return sent


# --- Leaflets ------------------------------------------------------------------------------------------

def leaflet_picture(certification: Certification):
    """The picture the leaflet shows: the first of the site's published documentation, else the
    first of the application it was certified on (both public on the site's page), or None."""
    documentation = selectors.documentation_of(certification)
    if documentation is not None and documentation.is_published:
        pictures = list(documentation.images.all())
        if pictures:
            return pictures[0]
    pictures = list(certification.application.images.all())
    return pictures[0] if pictures else None


def leaflet_name(certification: Certification, *, language: str) -> str:
    """The leaflet's file name: it changes whenever what the leaflet shows may have changed."""
    application, school = certification.application, certification.school
    picture = leaflet_picture(certification)
    fingerprint = "|".join(str(part) for part in (
        LEAFLET_VERSION, language, certification.starts_on, certification.ends_on, certification.revoked_by_id,
        application.updated_at.isoformat(), school.updated_at.isoformat(), picture.image.name if picture else "",
        picture.alt_text if picture else "",
    ))
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    return f"catalogue/leaflets/{certification.pk}-{language}-{digest}.pdf"


def _embedded(picture) -> dict | None:
    """The picture as a data: address, so the PDF renderer reads it without any file address
    (the pictures are in private storage, which has none). None if the file is missing."""
    if picture is None:
        return None
    try:
        with picture.image.open("rb") as f:
            data = f.read()
    except OSError:
        return None
    return {"src": "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii"),
            "alt_text": picture.alt_text, "width": picture.width, "height": picture.height}


def leaflet_ensure(certification: Certification, *, language: str = "sv") -> str:
    """The private storage name of the site's leaflet (PDF) in ``language``, rendered now if this
    version does not exist yet. ``certification`` should come from ``selectors.site_detail``."""
    from inspira.core.pdf import render_pdf

    name = leaflet_name(certification, language=language)
    # Private, like the picture it carries: the view hands it out only while the site is current.
    storage = private_storage()
    if storage.exists(name):
        return name
    application = certification.application
    plan = list(application.plan_items.all())
    pdf = render_pdf("pdf/site_leaflet.html", {
        "certification": certification,
        "application": application,
        "school": certification.school,
        "picture": _embedded(leaflet_picture(certification)),
        "pitch_words": LEAFLET_PITCH_WORDS,
        "plan": plan[:LEAFLET_PLAN_ROWS],
        "plan_cut": len(plan) > LEAFLET_PLAN_ROWS,
        "plan_duration": certification_services.format_duration(certification_services.plan_duration(plan))
        if plan else "",
        "plan_start": plan and min(item.start_time for item in plan),
        "plan_end": plan and max(item.end_time for item in plan),
        "site_url": absolute_url("catalogue:site", certification.pk),
        "contact_email": settings.PROGRAMME_CONTACT_EMAIL,
    }, language=language)
    saved = storage.save(name, ContentFile(pdf))
    if saved != name:
        storage.delete(saved)  # made at the same moment by another request
    return name
