"""OCDS export (one release, the package of all published tenders) and the moderators' import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from portal.permissions import Role, role_required

from ..forms import OcdsUploadForm
from ..models import OcdsImportJob, Tender
from ..ocds.export import release_for_tender, release_package, tenders_for_export
from ..ocds.jobs import ocds_import_job_create
from ..permissions import PUBLIC_STATUSES, get_tender_for_user

JSON_OPTIONS = {"ensure_ascii": False, "indent": 2}


@require_GET
@login_required
def ocds_release(request, pk):
    tender = get_tender_for_user(request.user, pk)
    tender = tenders_for_export(Tender.objects.filter(pk=tender.pk)).get()
    return JsonResponse(release_for_tender(tender), json_dumps_params=JSON_OPTIONS)


@require_GET
@login_required
def ocds_package(request):
    tenders = tenders_for_export(Tender.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk"))
    package = release_package(tenders, uri=request.build_absolute_uri())
    return JsonResponse(package, json_dumps_params=JSON_OPTIONS)


@role_required(Role.MODERATOR)
def ocds_import_upload(request):
    form = OcdsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = ocds_import_job_create(upload=form.cleaned_data["file"], by=request.user)
        return redirect("tenders:import_job", pk=job.pk)
    jobs = OcdsImportJob.objects.select_related("created_by")[:10]
    return render(request, "tenders/ocds_import.html", {"form": form, "jobs": jobs})


@require_GET
@role_required(Role.MODERATOR)
def ocds_import_job(request, pk):
    job = get_object_or_404(OcdsImportJob.objects.select_related("created_by"), pk=pk)
    return render(request, "tenders/ocds_import_job.html", {"job": job})
