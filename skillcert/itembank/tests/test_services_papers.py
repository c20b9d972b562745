from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.itembank.assembly import AssemblyInfeasible
from skillcert.itembank.models import Item, ItemAccessLog, PaperAccessLog, PaperStatus
from skillcert.itembank.services import (
    bank_for_blueprint,
    blueprint_cells_from_weights,
    blueprint_create,
    paper_assemble,
    paper_download,
    paper_mark_used,
    paper_release_approve,
    paper_seal,
)


def _blueprint(bank, **kw):
    args = {
        "occupation": bank.occupation,
        "level": 3,
        "name": "三级理论",
        "cells": [{"element": "A", "type": "single", "count": 3}],
        "difficulty_mean": 0.5,
        "difficulty_tolerance": 0.1,
        "max_overlap": 1,
        "max_exposure": 3,
        "actor": bank.manager,
    }
    args.update(kw)
    return blueprint_create(**args)


def test_blueprint_rejects_unknown_elements_and_non_managers(bank):
    with pytest.raises(DomainError) as caught:
        _blueprint(bank, cells=[{"element": "Z-99", "type": "single", "count": 1}])
    assert caught.value.code == "blueprint.element_unknown"
    with pytest.raises(DomainError) as caught:
        _blueprint(bank, actor=bank.setter)
    assert caught.value.code == "itembank.forbidden"
    with pytest.raises(DomainError) as caught:
        _blueprint(bank, cells=[{"element": "A", "type": "single", "count": -1}])
    assert caught.value.code == "blueprint.invalid"


def test_cells_from_weights_add_up_exactly():
    cells = blueprint_cells_from_weights(
        weights={"A": 45, "B": 35, "C": 20}, type_counts={"single": 60, "multiple": 19}
    )
    assert sum(c["count"] for c in cells if c["type"] == "single") == 60
    assert sum(c["count"] for c in cells if c["type"] == "multiple") == 19
    assert {"element": "A", "type": "single", "count": 27} in cells


def test_items_of_child_elements_fill_the_parent_cell(bank):
    bank.active(1, element=bank.elements["A-02"])
    bank.choice(2)  # a draft never enters assembly
    bp = _blueprint(bank)
    [item] = bank_for_blueprint(blueprint=bp)
    assert (item.id, item.element) == ("T0001", "A")


def test_assemble_seal_release_download_use(bank):
    for n in range(6):
        bank.active(n, element=bank.elements[f"A-0{n % 3 + 1}"], difficulty=0.4 + 0.04 * n)
    bp = _blueprint(bank)
    papers = paper_assemble(blueprint=bp, forms=2, seed=1, actor=bank.manager)
    assert [p.status for p in papers] == [PaperStatus.ASSEMBLED] * 2
    first = set(papers[0].paper_items.values_list("item_id", flat=True))
    second = set(papers[1].paper_items.values_list("item_id", flat=True))
    assert len(first) == len(second) == 3 and len(first & second) <= 1

    paper = papers[0]
    soon = timezone.now() - dt.timedelta(seconds=1)
    paper = paper_seal(paper=paper, release_at=soon, actor=bank.manager)
    assert paper.status == PaperStatus.SEALED and len(paper.content_hash) == 64
    assert b"%PDF" not in bytes(paper.sealed_pdf)
    assert ItemAccessLog.objects.filter(purpose="seal").count() == 3
    with pytest.raises(DomainError) as caught:
        paper_download(paper=paper, actor=bank.manager)
    assert caught.value.code == "paper.not_released"

    paper = paper_release_approve(paper=paper, actor=bank.manager)
    assert paper.status == PaperStatus.SEALED  # one person is not enough
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=paper, actor=bank.manager)
    assert caught.value.code == "paper.already_approved"
    paper = paper_release_approve(paper=paper, actor=bank.manager2)
    assert paper.status == PaperStatus.RELEASED
    pdf = paper_download(paper=paper, actor=bank.manager2)
    assert pdf.startswith(b"%PDF")
    actions = sorted(PaperAccessLog.objects.filter(paper=paper).values_list("action", flat=True))
    assert actions == ["download", "release", "release_approve", "release_approve"]

    before = dict(Item.objects.values_list("pk", "exposure_count"))
    paper = paper_mark_used(paper=paper, actor=bank.manager)
    after = dict(Item.objects.values_list("pk", "exposure_count"))
    assert {pk for pk in after if after[pk] == before[pk] + 1} == first
    with pytest.raises(DomainError) as caught:
        paper_mark_used(paper=paper, actor=bank.manager)
    assert caught.value.code == "status.transition_not_allowed"


def test_release_waits_for_release_time_and_needs_managers(bank):
    for n in range(3):
        bank.active(n)
    bp = _blueprint(bank, max_overlap=None)
    [paper] = paper_assemble(blueprint=bp, forms=1, seed=0, actor=bank.manager)
    with pytest.raises(DomainError) as caught:
        paper_seal(paper=paper, release_at=timezone.now(), actor=bank.setter)
    assert caught.value.code == "itembank.forbidden"
    paper = paper_seal(
        paper=paper, release_at=timezone.now() + dt.timedelta(hours=1), actor=bank.manager
    )
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=paper, actor=bank.manager)
    assert caught.value.code == "paper.too_early"
    with pytest.raises(DomainError) as caught:
        paper_release_approve(paper=paper, actor=bank.outsider_manager)
    assert caught.value.code == "itembank.forbidden"
    assert not PaperAccessLog.objects.exists()


def test_infeasible_assembly_names_the_short_cell_and_stores_nothing(bank):
    bank.active(1)
    bp = _blueprint(bank)
    with pytest.raises(AssemblyInfeasible) as caught:
        paper_assemble(blueprint=bp, forms=1, seed=0, actor=bank.manager)
    assert "要素 A 单选需 3 题，可用 1 题" in caught.value.message
    assert not bp.papers.exists()


def test_seal_refuses_when_an_item_changed_after_assembly(bank):
    items = [bank.active(n) for n in range(3)]
    bp = _blueprint(bank, max_overlap=None)
    [paper] = paper_assemble(blueprint=bp, forms=1, seed=0, actor=bank.manager)
    Item.objects.filter(pk=items[0].pk).update(version=9)
    with pytest.raises(DomainError) as caught:
        paper_seal(paper=paper, release_at=timezone.now(), actor=bank.manager)
    assert caught.value.code == "paper.items_changed"
