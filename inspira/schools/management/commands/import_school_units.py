from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from inspira.schools.models import RegisterImport
from inspira.schools.register import register_import
from inspira.schools.register_source import RegisterError, source_for


class Command(BaseCommand):
    help = ("Import a municipality's school units from Skolverket's school-unit register (Skolenhetsregistret, "
            "API v2): from its web address (SCHOOL_REGISTER_URL, or --url) or from a recorded response on disk "
            "(--file: a directory with school-units.json and school-units/<code>.json). The whole answer is "
            "checked first: a malformed one is refused and nothing is changed. The nightly job does the same.")

    def add_arguments(self, parser):
        parser.add_argument("--municipality", default=None,
                            help="Municipality code, e.g. 0180 (default: SCHOOL_REGISTER_MUNICIPALITY).")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--url", help="The register's API, e.g. https://api.skolverket.se/skolenhetsregistret/v2 "
                                         "(default: SCHOOL_REGISTER_URL).")
        where.add_argument("--file", help="A recorded response: a directory, or its school-units.json.")

    def handle(self, *args, municipality=None, url=None, file=None, **options):
        # The people who run it read Swedish, as the pages speak it.
        with translation.override(settings.LANGUAGE_CODE):
            municipality = municipality or settings.SCHOOL_REGISTER_MUNICIPALITY
            location = file or url or settings.SCHOOL_REGISTER_URL
            if not location:
                raise CommandError(_("Give --url or --file: SCHOOL_REGISTER_URL is empty."))
            try:
                source = source_for(location, timeout=settings.SCHOOL_REGISTER_TIMEOUT)
                run = register_import(source=source, municipality_code=municipality,
                                      trigger=RegisterImport.Trigger.COMMAND)
            except RegisterError as exc:
                raise CommandError(_("Nothing was imported and nothing was changed:\n%(problems)s")
                                   % {"problems": exc.text()}) from exc
            self.stdout.write(self.style.SUCCESS(
                _("Imported the school units of %(municipality)s from %(source)s.") % {
                    "municipality": municipality, "source": run.source}))
            self.stdout.write(run.summary)
