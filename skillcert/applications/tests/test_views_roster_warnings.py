"""Row warnings of a roster import (an ID number born in a region not in GB/T 2260) reach the
clerk: on the import's page, row by row, and in the downloadable report; the row is still
imported. Errors and warnings are listed apart."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from skillcert.applications.models import Application, ImportStatus, RosterImport
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.plans.tests.factories import make_id

UNKNOWN_REGION = "999999"


def _upload(personas, plan, rows, *, capture):
    client = personas.client_for(personas.clerk_a)
    data = {"file": SimpleUploadedFile("roster.xlsx", roster_bytes(rows))}
    with capture(execute=True):
        client.post(reverse("applications:roster_upload", args=[plan.pk]), data)
    return client, RosterImport.objects.get()


def _report_listing(client, job):
    report = client.get(reverse("applications:roster_report", args=[job.pk]))
    assert report.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.content))
    return book.get_sheet_by_name("错误清单").to_python()


def test_unknown_birthplace_is_shown_per_row_and_the_row_is_imported(
    personas, plan, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    odd = make_id(2, region=UNKNOWN_REGION)
    client, job = _upload(
        personas,
        plan,
        [valid_row(make_id(1)), valid_row(odd, 姓名="李四")],
        capture=django_capture_on_commit_callbacks,
    )
    assert job.status == ImportStatus.DONE and job.imported == 2 and job.error_count == 0
    assert Application.objects.filter(plan=plan).count() == 2
    page = client.get(reverse("applications:roster_status", args=[job.pk])).content.decode()
    assert 'id="roster-warnings"' in page and 'id="roster-errors"' not in page
    row = page.split('id="roster-warnings"')[1].split("</table>")[0]
    assert "<td>3</td><td>证件号码</td>" in row  # row 3: the header is row 1
    assert f"出生地代码 {UNKNOWN_REGION} 不在行政区划代码表中，请核对" in row
    assert "提示 1 处" in page
    listing = _report_listing(client, job)
    assert listing[0] == ["行号", "列", "错误代码", "说明", "类型"]
    assert [r[:3] + r[4:] for r in listing[1:]] == [[3.0, "证件号码", "id_region_unknown", "提示"]]


def test_errors_and_warnings_are_listed_apart_and_an_error_still_blocks_the_sheet(
    personas, plan, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client, job = _upload(
        personas,
        plan,
        [valid_row("32010219900307123X"), valid_row(make_id(3, region=UNKNOWN_REGION))],
        capture=django_capture_on_commit_callbacks,
    )
    assert job.imported == 0 and job.error_count == 1  # a warning is not an error
    assert Application.objects.count() == 0
    page = client.get(reverse("applications:roster_status", args=[job.pk])).content.decode()
    errors = page.split('id="roster-errors"')[1].split("</table>")[0]
    warnings = page.split('id="roster-warnings"')[1].split("</table>")[0]
    assert "<td>2</td><td>证件号码</td>" in errors and "id_checksum" in errors
    assert "<td>3</td><td>证件号码</td>" in warnings and UNKNOWN_REGION in warnings
    assert "id_checksum" not in warnings
    kinds = {(r[0], r[2], r[4]) for r in _report_listing(client, job)[1:]}
    assert kinds == {(2.0, "id_checksum", "错误"), (3.0, "id_region_unknown", "提示")}


def test_known_birthplaces_give_no_warning(
    personas, plan, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client, job = _upload(
        personas,
        plan,
        [valid_row(make_id(4)), valid_row(make_id(5), 姓名="王五")],
        capture=django_capture_on_commit_callbacks,
    )
    assert job.imported == 2
    page = client.get(reverse("applications:roster_status", args=[job.pk])).content.decode()
    assert 'id="roster-warnings"' not in page and "出生地代码" not in page
