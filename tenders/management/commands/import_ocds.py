"""`manage.py import_ocds PATH`: import an OCDS release package, record package or JSON Lines."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenders.ocds.importer import ocds_import


class Command(BaseCommand):
    help = (
        "Import tenders from an OCDS 1.1 release package, record package or JSON Lines file of "
        "releases (upsert by ocid; each bad release is reported and skipped)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        show_bar = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        with (
            open(path, "rb") as fh,
            tqdm(
                total=path.stat().st_size,
                desc=path.name,
                unit="B",
                unit_scale=True,
                disable=not show_bar,
                file=sys.stderr,
            ) as bar,
        ):
            report = ocds_import(fh, progress=lambda position: bar.update(position - bar.n))
        for where, reason in report.failures:
            self.stderr.write(f"{where}: {reason}")
        self.stdout.write(report.summary())  # the final line, whatever happened
        if report.failed:
            sys.exit(1)  # for scripts; the failures are listed above on stderr
