from django.core.management.base import BaseCommand
from django.utils import timezone

from inspira.privacy.retention import apply_retention


class Command(BaseCommand):
    help = ("Apply the retention periods (RETENTION_* settings): remove or anonymise personal data older "
            "than they allow. The daily scheduled job does the same. --dry-run only counts.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be handled; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        outcomes = apply_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        for o in outcomes:
            if o.period <= 0:
                self.stdout.write(f"{o.key}: off ({o.setting}=0)")
                continue
            before = f"older than {o.period} {o.unit} (before {timezone.localtime(o.cutoff):%Y-%m-%d %H:%M})"
            if not o.acts:
                self.stdout.write(f"{o.key}: {o.found} {before}; kept, for the archive to decide")
            elif dry_run:
                self.stdout.write(f"{o.key}: {o.found} would be handled, {before}")
            else:
                self.stdout.write(f"{o.key}: {o.handled} of {o.found} handled, {before}")
