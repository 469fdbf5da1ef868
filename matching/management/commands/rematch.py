import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from matching import engine, services


class Command(BaseCommand):
    help = (
        "Recompute shortlists now, in this process: one tender (--tender ID) or every open "
        "tender (--all). Workers do the same on their own after each change and nightly."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--tender", type=int, help="the tender's id")
        group.add_argument("--all", action="store_true", help="every published tender")

    def handle(self, *args, tender: int | None, all: bool, **options):
        from tenders.models import Tender

        if all:  # what the nightly task does first: recount the words of the live suppliers
            engine.refresh_term_stats()
        ids = services.open_tender_ids() if all else [tender]
        tenders = Tender.objects.select_related("buyer", "region").in_bulk(ids)
        if tender is not None and tender not in tenders:
            raise CommandError(f"No tender with id {tender}.")
        totals = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
        show = hasattr(self.stdout, "isatty") and self.stdout.isatty()
        for pk in tqdm(ids, desc="tenders", disable=not show, file=sys.stderr):
            for key, value in services.shortlist_rebuild(tender=tenders[pk]).items():
                totals[key] += value
        self.stdout.write(
            f"{len(ids)} tender(s): " + ", ".join(f"{k} {v}" for k, v in totals.items())
        )
