"""Catalogue pages. Browsing is public; edits are for the province authority and go through
the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

if TYPE_CHECKING:
    from skillcert.accounts.models import User

from skillcert.accounts.actors import request_actor
from skillcert.common.actions import Act, Actions
from skillcert.common.exports import attachment_response, xlsx_response
from skillcert.common.lists import list_page
from skillcert.common.service_runner import run_service
from skillcert.occupations.formats import dump_json, dump_xlsx, dump_yaml, parse_upload
from skillcert.occupations.forms import (
    DirectoryAddForm,
    DirectoryQueryForm,
    DirectoryRemoveForm,
    ImportForm,
    OccupationEditForm,
)
from skillcert.occupations.models import CertificationKind, DirectoryEntry, Occupation, Standard
from skillcert.occupations.selectors import (
    directory_history,
    directory_on,
    element_tree,
    occupations_search,
    standards_export_docs,
    weight_tables,
)
from skillcert.occupations.services import (
    directory_entry_add,
    directory_entry_remove,
    occupation_update,
    standards_import,
)

EXPORT_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _export(occupations: list[Occupation] | object, fmt: str, stem: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404
    docs = standards_export_docs(occupations=occupations)  # type: ignore[arg-type]
    body = {"yaml": dump_yaml, "json": dump_json, "xlsx": dump_xlsx}[fmt](docs)
    return attachment_response(body, f"{stem}.{fmt}", EXPORT_TYPES[fmt])


def catalogue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    rows = occupations_search(q=q, kind=kind if kind in CertificationKind.values else "")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "职业目录.xlsx",
            ["职业编码", "职业名称", "认定类别", "编码说明"],
            ((o.code, o.name, o.get_certification_kind_display(), o.code_note) for o in rows),
        )
    return list_page(
        request,
        "occupations/catalogue.html",
        rows.prefetch_related("standards"),
        {
            "q": q,
            "kind": kind,
            "kinds": CertificationKind.choices,
            "can_edit": request.user.has_perm("occupations.edit_catalogue"),
        },
    )


def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(Occupation.objects.order_by("code"), fmt, "职业技能标准")


def _edit_form(occupation: Occupation) -> OccupationEditForm:
    return OccupationEditForm(
        prefix="edit",
        initial={
            "code": occupation.code,
            "name": occupation.name,
            "certification_kind": occupation.certification_kind,
            "code_note": occupation.code_note,
        },
    )


def _detail_page(
    request: HttpRequest,
    occupation: Occupation,
    *,
    add_form: DirectoryAddForm | None = None,
    remove_form: DirectoryRemoveForm | None = None,
    edit_form: OccupationEditForm | None = None,
) -> HttpResponse:
    """The occupation's page, with the form just posted (and its errors) where there is one."""
    return render(
        request,
        "occupations/occupation_detail.html",
        {
            "occupation": occupation,
            "specialties": occupation.specialties.all(),
            "standards": occupation.standards.order_by("-edition_year", "kind"),
            "entries": occupation.directory_entries.select_related("specialty").order_by(
                "-level", "effective_from"
            ),
            "history": directory_history(occupation=occupation),
            "can_edit": request.user.has_perm("occupations.edit_catalogue"),
            "add_form": add_form or DirectoryAddForm(prefix="add"),
            "remove_form": remove_form or DirectoryRemoveForm(prefix="remove"),
            "edit_form": edit_form or _edit_form(occupation),
        },
    )


def _editor(request: HttpRequest) -> User:
    """The catalogue editor acting; 404 for everyone else (anonymous visitors included)."""
    if not request.user.has_perm("occupations.edit_catalogue"):
        raise Http404
    return request_actor(request)


def _editable(request: HttpRequest, code: str) -> Occupation:
    """The occupation a catalogue editor changes; 404 for everyone else."""
    _editor(request)
    return get_object_or_404(Occupation, code=code)


@require_safe
def occupation_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail_page(request, get_object_or_404(Occupation, code=code))


def _occupation_url(occupation: Occupation) -> str:
    return reverse("occupations:detail", args=[occupation.code])


def _refreshed_page(request: HttpRequest, occupation: Occupation, **forms: Any) -> HttpResponse:
    occupation.refresh_from_db()  # a refused edit may have changed the instance in memory
    return _detail_page(request, occupation, **forms)


# The catalogue editor's forms on an occupation's page; everyone else gets 404, anonymous
# visitors included (the page itself is public).
OCCUPATION: Actions[Occupation] = Actions(
    prefix="<str:code>/",
    load=_editable,
    back=_occupation_url,
    page=_refreshed_page,
    signed_in=False,
)


@OCCUPATION.post("directory/add/", form=DirectoryAddForm, prefix="add", success="已列入目录")
def directory_add(a: Act[Occupation]) -> object:
    province = a.data["province"].strip()
    return directory_entry_add(
        occupation=a.obj,
        level=a.data["level"],
        effective_from=a.data["effective_from"],
        document_no=a.data["document_no"],
        reason=a.data["reason"],
        province=province,
        actor=a.actor,
    )


@OCCUPATION.post(
    "directory/remove/", form=DirectoryRemoveForm, prefix="remove", success="已移出目录"
)
def directory_remove(a: Act[Occupation]) -> object:
    d = dict(a.data)
    entry = get_object_or_404(DirectoryEntry, pk=d.pop("entry"), occupation=a.obj)
    return directory_entry_remove(entry=entry, actor=a.actor, **d)


@OCCUPATION.post(
    "edit/",
    form=OccupationEditForm,
    prefix="edit",
    success="已保存",
    next=_occupation_url,
    name="edit",
)
def occupation_edit(a: Act[Occupation]) -> object:
    return occupation_update(occupation=a.obj, actor=a.actor, **a.data)


def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(Standard.objects.select_related("occupation"), pk=pk)
    return render(
        request,
        "occupations/standard_detail.html",
        {
            "standard": standard,
            "tables": weight_tables(standard=standard),
            "tree": element_tree(standard=standard),
        },
    )


def standard_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    standard = get_object_or_404(Standard.objects.select_related("occupation"), pk=pk)
    return _export(Occupation.objects.filter(pk=standard.occupation_id), fmt, standard.name)


def standards_import_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("occupations.edit_catalogue"):
        raise Http404
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", "文件不能超过 5 MB")
            else:
                response = run_service(
                    request,
                    lambda: standards_import(
                        occupations=parse_upload(upload.name, upload.read()), actor=_editor(request)
                    ),
                    success=lambda report: (
                        f"导入完成：新增职业 {report.occupations_created} 个，"
                        f"更新 {report.occupations_updated} 个，"
                        f"标准 {report.standards_written} 个，比重条目 {report.weight_rows} 条，"
                        f"鉴定要素 {report.elements} 个"
                    ),
                    next=reverse("occupations:catalogue"),
                    form=form,
                )
                if response is not None:
                    return response
    return render(request, "occupations/import.html", {"form": form})


def directory(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = DirectoryQueryForm(request.GET or None, initial={"day": today})
    day, code, level = today, "", None
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["day"]
        code = form.cleaned_data["code"].strip()
        level = form.cleaned_data["level"]
    province = settings.SKILLCERT_PROVINCE
    rows = directory_on(day=day, province=province)
    if code:
        rows = rows.filter(occupation__code=code)
    if level:
        rows = rows.filter(level=level)
    answer = None
    if code and level:
        answer = rows.exists()
    return render(
        request,
        "occupations/directory.html",
        {
            "form": form,
            "rows": rows[:500],
            "day": day,
            "code": code,
            "level": level,
            "answer": answer,
        },
    )
