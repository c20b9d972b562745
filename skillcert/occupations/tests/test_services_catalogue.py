import datetime as dt

import pytest

from skillcert.accounts.actors import DEMO, SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.occupations.formats import validate_document
from skillcert.occupations.models import DirectoryChange, Element, Occupation, WeightItem
from skillcert.occupations.selectors import (
    directory_certifiable,
    element_tree,
    standards_export_docs,
    weight_tables,
)
from skillcert.occupations.services import (
    directory_entry_add,
    directory_entry_remove,
    occupation_update,
    standards_import,
)
from skillcert.occupations.tests.catalogue import hr_catalogue, hr_document

pytestmark = pytest.mark.django_db
D = dt.date


def test_import_creates_catalogue_and_audits():
    report = standards_import(
        occupations=validate_document(hr_document()), actor=SystemActor("test")
    )
    assert (
        report.occupations_created,
        report.standards_written,
        report.weight_rows,
        report.elements,
    ) == (1, 1, 4, 2)
    standard = Occupation.objects.get(code="4-07-03-02").standards.get()
    assert [n.element.code for n in element_tree(standard=standard)] == ["A", "A-01"]
    [theory, practical] = weight_tables(standard=standard)
    assert theory.totals == [100, 0, 0, 0] and practical.totals == [100, 0, 0, 0]
    assert AuditEvent.objects.filter(action="standard.import").count() == 1


def test_reimport_replaces_weights_and_elements_and_export_matches():
    docs = validate_document(hr_document())
    standards_import(occupations=docs, actor=SystemActor("test"))
    document = hr_document()
    document["occupations"][0]["standards"][0]["elements"] = [{"code": "B", "name": "薪酬管理"}]
    standards_import(occupations=validate_document(document), actor=SystemActor("test"))
    assert list(Element.objects.values_list("code", flat=True)) == ["B"]
    assert WeightItem.objects.count() == 4
    exported = standards_export_docs(occupations=Occupation.objects.all())
    assert exported == validate_document(document)


def test_occupation_code_is_editable_but_validated_and_unique():
    occupation = hr_catalogue()
    occupation_update(
        occupation=occupation, code="4-07-03-09", code_note="待核实", actor=SystemActor("test")
    )
    assert Occupation.objects.filter(code="4-07-03-09").exists()
    with pytest.raises(DomainError) as exc:
        occupation_update(occupation=occupation, code="4-07-3", actor=SystemActor("test"))
    assert exc.value.field == "code"
    Occupation.objects.create(code="4-07-03-03", name="劳动关系协调师")
    with pytest.raises(DomainError) as exc:
        occupation_update(occupation=occupation, code="4-07-03-03", actor=SystemActor("test"))
    assert exc.value.code == "occupation.code_taken"


def test_directory_answers_historical_questions():
    occupation = hr_catalogue()
    entry = occupation.directory_entries.get(level=3)
    directory_entry_remove(
        entry=entry,
        effective_to=D(2025, 1, 1),
        document_no="苏人社〔2024〕9号",
        reason="标准修订",
        actor=SystemActor("test"),
    )
    assert directory_certifiable(occupation_code="4-07-03-02", level=3, day=D(2024, 12, 31))
    assert not directory_certifiable(occupation_code="4-07-03-02", level=3, day=D(2025, 1, 1))
    assert not directory_certifiable(occupation_code="4-07-03-02", level=3, day=D(2019, 12, 31))
    assert directory_certifiable(occupation_code="4-07-03-02", level=4, day=D(2025, 3, 1))
    directory_entry_add(
        occupation=occupation,
        level=3,
        effective_from=D(2025, 3, 1),
        document_no="苏人社〔2025〕2号",
        reason="新版标准发布",
        actor=SystemActor("test"),
    )
    assert directory_certifiable(occupation_code="4-07-03-02", level=3, day=D(2025, 3, 1))
    assert not directory_certifiable(occupation_code="4-07-03-02", level=3, day=D(2025, 2, 1))
    actions = list(
        DirectoryChange.objects.filter(entry__level=3)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["added", "removed", "added"]


def test_directory_rejects_overlap_and_bad_removal():
    occupation = hr_catalogue()

    def add(document_no: str) -> None:
        directory_entry_add(
            occupation=occupation,
            level=4,
            effective_from=D(2023, 1, 1),
            document_no=document_no,
            actor=SystemActor("test"),
        )

    def remove(day: dt.date) -> None:
        directory_entry_remove(
            entry=entry, effective_to=day, document_no="x", reason="y", actor=SystemActor("test")
        )

    with pytest.raises(DomainError) as exc:
        add("x")
    assert exc.value.code == "directory.overlap"
    with pytest.raises(DomainError) as exc:
        add(" ")
    assert exc.value.field == "document_no"
    entry = occupation.directory_entries.get(level=4)
    with pytest.raises(DomainError) as exc:
        remove(D(2019, 1, 1))
    assert exc.value.code == "directory.removal_before_listing"
    remove(D(2024, 1, 1))
    with pytest.raises(DomainError) as exc:
        remove(D(2024, 6, 1))
    assert exc.value.code == "directory.already_removed"


def test_demo_catalogue_loads_idempotently():
    from skillcert.occupations.demo import load_catalogue_demo

    load_catalogue_demo(DEMO)
    counts = (Occupation.objects.count(), WeightItem.objects.count(), AuditEvent.objects.count())
    load_catalogue_demo(DEMO)
    assert counts == (
        Occupation.objects.count(),
        WeightItem.objects.count(),
        AuditEvent.objects.count(),
    )
    assert counts[0] >= 8
    hr = Occupation.objects.get(code="4-07-03-02").standards.get()
    assert hr.level_list == [4, 3, 2, 1]
