"""The sites' pedagogical documentation."""

from django.utils.translation import gettext_lazy as _

from inspira.catalogue.models import DocumentationImage, SiteDocumentation
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import candidates, scrub_rows

TEXT = {
    SiteDocumentation: ["text", "film_description"],
    DocumentationImage: ["alt_text"],
}
ACTIONS = [Action(SiteDocumentation, "updated_by", "updated_at")]


def export(user, scrubber) -> list[Category]:
    mentions = [
        row(site=str(d.certification.display_name), published=d.is_published, text=d.text,
            film_description=d.film_description)
        for d in candidates(SiteDocumentation.objects.select_related("certification__school"),
                            TEXT[SiteDocumentation], scrubber).order_by("pk")
        if scrubber.mentions([d.text, d.film_description])
    ]
    return [
        Category("documentation", _("Pedagogical documentation that names you"),
                 _("Kept; your name and address in it are replaced."), mentions),
        Category("documentation_actions", _("Documentation you wrote"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    for model, fields in TEXT.items():
        ctx.counts["documentation_scrubbed"] += scrub_rows(model.objects.all(), fields, ctx.scrubber)


AREA = Area(
    name="catalogue",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in TEXT.items()}, action_fields(ACTIONS)),
)
