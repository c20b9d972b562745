"""CreateModels leaves the project state that its CreateModels one by one would leave; the
migration test (test_migrations.py) checks the tables it creates."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations, models
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from skillcert.common.migration_operations import CreateModels


def _operations() -> list[migrations.CreateModel]:
    return [
        migrations.CreateModel(
            name="Shelf",
            fields=[
                ("id", models.AutoField(primary_key=True)),
                ("name", models.CharField(max_length=9)),
            ],
        ),
        migrations.CreateModel(
            name="Book",
            fields=[
                ("id", models.AutoField(primary_key=True)),
                ("shelf", models.ForeignKey("library.Shelf", on_delete=models.CASCADE)),
            ],
        ),
    ]


def _state_after(operations: Sequence[Operation]) -> ProjectState:
    state = ProjectState()
    state.apps  # rendered, as `migrate` renders it before the first migration  # noqa: B018
    for operation in operations:
        operation.state_forwards("library", state)
    return state


def test_the_state_is_the_one_the_single_operations_leave() -> None:
    one_by_one = _state_after(_operations())
    together = _state_after(CreateModels.grouped(_operations()))
    assert one_by_one.models.keys() == together.models.keys()
    for key, model_state in one_by_one.models.items():
        assert together.models[key].fields.keys() == model_state.fields.keys()
    book = together.apps.get_model("library", "Book")
    # The rendered foreign key points at the rendered Shelf class of the same registry.
    assert book._meta.get_field("shelf").related_model is together.apps.get_model(
        "library", "Shelf"
    )


def test_grouped_joins_runs_of_create_model_and_keeps_the_rest_in_order() -> None:
    first, second = _operations()
    index = migrations.AddIndex(
        model_name="book", index=models.Index(fields=["shelf"], name="book_shelf")
    )
    grouped = CreateModels.grouped([first, second, index, first])
    assert [type(op) for op in grouped] == [
        CreateModels,
        migrations.AddIndex,
        migrations.CreateModel,
    ]
    together = grouped[0]
    assert isinstance(together, CreateModels)
    assert together.operations == [first, second]
    assert "Shelf, Book" in together.describe()
