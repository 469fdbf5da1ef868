from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ._loading import run_loader


class Command(BaseCommand):
    help = (
        "Load French regions (CSV: region_code, region_nom) and optionally départements "
        "(CSV: departement_code, departement_nom, region_code). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="regions.csv")
        parser.add_argument("--departements", type=Path, help="departements.csv")

    def handle(self, *args, path: Path, departements: Path | None, **options):
        failed = run_loader(self, "regions", path)
        if departements:
            failed += run_loader(self, "departements", departements)
        if failed:
            raise CommandError(f"{failed} row(s) could not be loaded (see above); the rest was.")
