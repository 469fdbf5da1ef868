"""Views of the tenders app, one module per page family."""

from .authoring import (
    tender_award,
    tender_cancel,
    tender_close,
    tender_create,
    tender_edit,
    tender_publish,
)
from .browse import cpv_search, tender_detail, tender_search
from .interest import interest_express, interest_withdraw
from .ocds import ocds_import_job, ocds_import_upload, ocds_package, ocds_release

__all__ = [
    "cpv_search",
    "interest_express",
    "interest_withdraw",
    "ocds_import_job",
    "ocds_import_upload",
    "ocds_package",
    "ocds_release",
    "tender_award",
    "tender_cancel",
    "tender_close",
    "tender_create",
    "tender_detail",
    "tender_edit",
    "tender_publish",
    "tender_search",
]
