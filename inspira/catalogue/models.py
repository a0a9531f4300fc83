"""What a certified site publishes about itself beyond its application: the pedagogical
documentation that the establishment support pays for (text, pictures and a film).

The catalogue itself has no tables: it reads certifications (``Certification.objects.current()``)
and the content of the approved application. A site whose certification has ended leaves the
catalogue by itself and nothing is deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspira.core.storage import private_storage


def documentation_video_path(instance, filename):
    # A random name, with the extension of the type we detected, never the uploader's.
    extension = {"video/mp4": "mp4", "video/webm": "webm"}.get(instance.video_content_type, "bin")
    return f"catalogue/films/{uuid.uuid4().hex}.{extension}"


def documentation_image_path(instance, filename):
    return f"catalogue/documentation/{uuid.uuid4().hex}.jpg"


class SiteDocumentation(models.Model):
    """A site's pedagogical documentation, one per certification. The site contact writes it as a
    draft and publishes it on the site's public page."""

    certification = models.OneToOneField(
        "certification.Certification", verbose_name=_("certification"), on_delete=models.PROTECT,
        related_name="documentation",
    )
    text = models.TextField(
        _("documentation"), blank=True,
        help_text=_("Describe the way of working: what you do, why, how it went and what others can learn. "
                    "Leave an empty line between paragraphs."),
    )
    film_link = models.URLField(
        _("link to a film"), max_length=500, blank=True,
        help_text=_("A link to the film on another website, starting with https://. It is shown as a link."),
    )
    video = models.FileField(_("film file"), upload_to=documentation_video_path, blank=True)
    video_content_type = models.CharField(_("film file type"), max_length=30, blank=True)
    video_size = models.PositiveBigIntegerField(_("film file size in bytes"), default=0)
    film_description = models.TextField(
        _("description of the film"), blank=True,
        help_text=_("What the film shows and says, for those who cannot see or hear it."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True,
        help_text=_("When the site first delivered its documentation. Kept if it is later taken down."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pedagogical documentation")
        verbose_name_plural = _("pedagogical documentations")
        constraints = [
            # A film is either a file or a link, never both.
            models.CheckConstraint(condition=models.Q(video="") | models.Q(film_link=""),
                                   name="documentation_one_kind_of_film"),
        ]

    def __str__(self):
        return str(_("Documentation of %(site)s") % {"site": self.certification_id})

    @property
    def has_film(self) -> bool:
        return bool(self.video) or bool(self.film_link)


class DocumentationImage(models.Model):
    """A picture in the documentation. Stored re-encoded (core.uploads), never as uploaded.

    Kept in private storage, like the application's pictures: a draft's pictures may show pupils
    before anyone chose to publish them, so the catalogue's view decides who sees each one."""

    documentation = models.ForeignKey(
        SiteDocumentation, verbose_name=_("documentation"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("picture"), upload_to=documentation_image_path, storage=private_storage)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt_text = models.CharField(
        _("description of the picture"), max_length=250,
        help_text=_("Describe what the picture shows, for those who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("documentation picture")
        verbose_name_plural = _("documentation pictures")
        ordering = ["documentation", "position", "pk"]

    def __str__(self):
        return self.alt_text
