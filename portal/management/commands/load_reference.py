from django.core.management.base import BaseCommand, CommandError

from portal.reference import reference_sources

from ._loading import run_loader


class Command(BaseCommand):
    help = (
        "Load all reference data: the official files under --dir or REFERENCE_DATA_DIR "
        "(geo/regions.csv, geo/departements.csv, cpv/cpv_2008_fr_en.csv) when given, "
        "otherwise the small subset shipped with Passerelle (enough for the demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", help="reference data directory")

    def handle(self, *args, directory: str | None, **options):
        failed = sum(run_loader(self, kind, path) for kind, path in reference_sources(directory))
        if failed:
            raise CommandError(f"{failed} row(s) could not be loaded (see above); the rest was.")
