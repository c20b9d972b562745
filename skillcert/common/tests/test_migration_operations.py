"""CreateModels leaves the project state that its CreateModels one by one would leave, and
RunPythonOnRenderedModels hands the models it rendered on to the next data migration; the
migration test (test_migrations.py) checks the tables and rows they leave."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, migrations, models
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from skillcert.common.migration_operations import CreateModels, RunPythonOnRenderedModels


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


def _after_a_delayed_field() -> ProjectState:
    """The library's state, rendered, after a plain AddField (which delays re-rendering)."""
    state = _state_after(_operations())
    migrations.AddField("shelf", "note", models.CharField(max_length=5, default="")).state_forwards(
        "library", state
    )
    assert state.is_delayed
    return state


def _run(operation: migrations.RunPython, state: ProjectState) -> Any:
    """Apply `operation` as `Migration.apply` does (it is handed a clone of the state before
    it); return the Book model its code was given."""
    given: list[Any] = []
    code = operation.code
    operation.code = lambda apps, schema_editor: given.append(apps.get_model("library", "Book"))
    try:
        before = state.clone()
        operation.state_forwards("library", state)
        operation.database_forwards("library", connection.schema_editor(), before, state)
    finally:
        operation.code = code
    return given[0]


def _noop(apps: Any, schema_editor: Any) -> None:
    """A data migration's code (replaced while `_run` watches it)."""


def test_the_models_rendered_for_a_data_migration_stay_for_the_next() -> None:
    state = _after_a_delayed_field()
    first = _run(RunPythonOnRenderedModels(_noop), state)
    assert not state.is_delayed
    assert state.apps.get_model("library", "Book") is first  # handed on, not rendered again
    shelf = state.apps.get_model("library", "Shelf")
    assert first._meta.get_field("shelf").related_model is shelf
    assert [f.name for f in shelf._meta.fields] == ["id", "name", "note"]
    assert _run(RunPythonOnRenderedModels(_noop), state) is first  # the next one finds it current


def test_django_s_run_python_renders_every_model_again_after_a_delayed_change() -> None:
    """What RunPythonOnRenderedModels saves: the plain operation leaves the flag set, so every
    later data migration renders every model again."""
    state = _after_a_delayed_field()
    first = _run(migrations.RunPython(_noop), state)
    assert state.is_delayed
    assert _run(migrations.RunPython(_noop), state) is not first
