import sys

from celery import current_app
from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError as BrokerError
from kombu.utils.url import maybe_sanitize_url
from tqdm import tqdm

from matching import engine, services
from notifications.tasks import shortlist_notify, tender_alerts

BROKER_TIMEOUT = 3  # seconds


class Command(BaseCommand):
    help = (
        "Recompute shortlists now, in this process: one tender (--tender ID) or every open "
        "tender (--all), with the ranking of each organization following it. Workers do the "
        "same on their own after each change and nightly."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--tender", type=int, help="the tender's id")
        group.add_argument("--all", action="store_true", help="every published tender")
        parser.add_argument(
            "--no-notify",
            action="store_true",
            help="queue no email (suppliers' alerts, buyers' shortlist emails) and need no "
            "broker: the workers' next re-match of an open tender (nightly at the latest) sends "
            "the alerts and material changes still due; the minor changes of this run never "
            "reach the buyers' daily digest",
        )

    def handle(self, *args, tender: int | None, all: bool, no_notify: bool = False, **options):
        from tenders.models import Tender

        ids = services.open_tender_ids() if all else [tender]
        tenders = Tender.objects.select_related("buyer", "region", "departement").in_bulk(ids)
        if tender is not None and tender not in tenders:
            raise CommandError(f"No tender with id {tender}.")
        if not no_notify:
            _check_broker()
        if all:  # what the nightly task does first: recount the words of the live suppliers
            engine.refresh_term_stats()
        totals = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
        follow_totals = dict.fromkeys(totals, 0)
        follows = 0
        show = hasattr(self.stdout, "isatty") and self.stdout.isatty()
        for pk in tqdm(ids, desc="tenders", disable=not show, file=sys.stderr):
            _add(totals, services.shortlist_rebuild(tender=tenders[pk]))
            # As the match_tender task: suppliers who opted in hear of a matching tender, and
            # each following organization's ranking (what its buyers see) is rebuilt too; its
            # buyers hear of a material change (or it goes to their digest).
            if not no_notify:
                tender_alerts.delay(pk)
            for follow in tenders[pk].follows.select_related("organization"):
                result = services.shortlist_rebuild(tender=tenders[pk], follow=follow)
                _add(follow_totals, result)
                follows += 1
                changed = any(result[k] for k in ("created", "updated", "deleted"))
                if not no_notify:
                    shortlist_notify.delay(follow.pk, changed=changed)
        self.stdout.write(
            f"{len(ids)} tender(s): "
            + ", ".join(f"{k} {v}" for k, v in totals.items())
            + f"; {follows} following organization ranking(s): "
            + ", ".join(f"{k} {v}" for k, v in follow_totals.items())
        )


def _check_broker() -> None:
    """Stop before re-matching anything when the emails cannot be queued: otherwise the first
    tender's shortlists would be stored and the command would stop at its first email, its
    buyers never told."""
    if current_app.conf.task_always_eager:  # tasks run in this process: no broker involved
        return
    # Kombu's Redis transport waits without limit by default: a host that drops packets, or a
    # server that accepts and never answers, would hold the command for minutes.
    timeouts = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT}
    with current_app.connection_for_write(transport_options=timeouts) as connection:
        try:
            connection.ensure_connection(max_retries=0)
        except (BrokerError, OSError) as error:
            url = maybe_sanitize_url(current_app.conf.broker_write_url)
            raise CommandError(
                f"The Celery broker (Redis, {url}) cannot be reached: "
                f"{str(error).rstrip('.')}. "
                "Nothing was re-matched. Start Redis and run the command again, or add "
                "--no-notify to re-match without queuing any email."
            ) from error


def _add(totals: dict[str, int], result: dict[str, int]) -> None:
    for key, value in result.items():
        totals[key] += value
