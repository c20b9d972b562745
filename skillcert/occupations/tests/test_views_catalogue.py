import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillcert.occupations.formats import dump_yaml, validate_document
from skillcert.occupations.models import DirectoryEntry, Occupation
from skillcert.occupations.tests.catalogue import (
    hr_catalogue,
    hr_document,
)

pytestmark = pytest.mark.django_db


def test_catalogue_is_public_and_searchable(client):
    hr_catalogue()
    response = client.get(reverse("occupations:catalogue"), {"q": "人力"})
    assert response.status_code == 200
    assert "企业人力资源管理师" in response.content.decode()
    assert (
        "企业人力资源管理师"
        not in client.get(reverse("occupations:catalogue"), {"q": "焊"}).content.decode()
    )
    export = client.get(reverse("occupations:catalogue"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_standard_detail_shows_levels_weights_and_elements(client):
    occupation = hr_catalogue()
    standard = occupation.standards.get()
    body = client.get(reverse("occupations:standard", args=[standard.pk])).content.decode()
    assert "招聘需求分析" in body and "比重表" in body
    assert (
        client.get(reverse("occupations:standard_export", args=[standard.pk, "yaml"])).status_code
        == 200
    )
    assert (
        client.get(reverse("occupations:standard_export", args=[standard.pk, "exe"])).status_code
        == 404
    )


def test_occupation_and_directory_pages(client):
    hr_catalogue()
    assert client.get(reverse("occupations:detail", args=["4-07-03-02"])).status_code == 200
    assert client.get(reverse("occupations:detail", args=["9-99-99-99"])).status_code == 404
    response = client.get(
        reverse("occupations:directory"), {"day": "2025-03-01", "code": "4-07-03-02", "level": "3"}
    )
    assert "在目录清单内" in response.content.decode()
    response = client.get(
        reverse("occupations:directory"), {"day": "2019-03-01", "code": "4-07-03-02", "level": "3"}
    )
    assert "不在目录清单内" in response.content.decode()


def test_import_is_hidden_from_the_public_and_city_officers(client, personas):
    assert client.get(reverse("occupations:import")).status_code == 404
    client = personas.client_for(personas.city_nanjing)
    assert client.get(reverse("occupations:import")).status_code == 404


def test_province_officer_imports_and_edits_the_directory(personas):
    client = personas.client_for(personas.province)
    upload = SimpleUploadedFile("hr.yaml", dump_yaml(validate_document(hr_document())))
    response = client.post(reverse("occupations:import"), {"file": upload})
    assert response.status_code == 302
    assert Occupation.objects.filter(code="4-07-03-02").exists()
    response = client.post(
        reverse("occupations:directory_add", args=["4-07-03-02"]),
        {
            "add-level": "3",
            "add-effective_from": "2024-01-01",
            "add-document_no": "苏人社〔2024〕1号",
        },
    )
    assert response.status_code == 302
    assert DirectoryEntry.objects.filter(level=3).exists()


def test_bad_upload_is_reported_on_the_form(personas):
    client = personas.client_for(personas.province)
    upload = SimpleUploadedFile(
        "hr.yaml", b"format: skillcert.standards/1\noccupations:\n  - {code: 4-7, name: x}\n"
    )
    response = client.post(reverse("occupations:import"), {"file": upload})
    assert response.status_code == 200
    assert "职业编码" in response.content.decode()
    assert not Occupation.objects.exists()


def test_anonymous_cannot_post_directory_changes(client):
    hr_catalogue()
    response = client.post(reverse("occupations:directory_add", args=["4-07-03-02"]), {})
    assert response.status_code == 404
    assert client.post(reverse("occupations:detail", args=["4-07-03-02"]), {}).status_code == 405
