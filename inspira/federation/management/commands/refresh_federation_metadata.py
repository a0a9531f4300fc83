from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inspira.federation.tasks import refresh_metadata


class Command(BaseCommand):
    help = ("Fetch Skolfederation's metadata aggregate, check its signature and validUntil, and replace the "
            "cached copy; on failure the last good copy stays (the scheduled job does the same).")

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="Another address than INSPIRA_SAML_FEDERATION_METADATA_URL.")

    def handle(self, *args, url=None, **options):
        if not settings.INSPIRA_SAML_ENABLED:
            raise CommandError("Sign-in through Skolfederation is off (INSPIRA_SAML_ENABLED).")
        if not refresh_metadata(url=url):
            raise CommandError("The metadata was not refreshed; the last good copy stays. See the log and the "
                               "audit trail for why.")
        self.stdout.write(f"Federation metadata saved to {settings.INSPIRA_SAML_METADATA_CACHE}.")
