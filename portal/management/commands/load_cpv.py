from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ._loading import run_loader


class Command(BaseCommand):
    help = (
        "Load the CPV taxonomy from a CSV with columns code, label_fr, label_en (code8 optional), "
        "e.g. cpv_2008_fr_en.csv. Idempotent; malformed rows are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        failed = run_loader(self, "cpv", path)
        if failed:
            raise CommandError(f"{failed} row(s) could not be loaded (see above); the rest was.")
