"""One migration operation for the squashed initial migrations: their models created together.

Django updates its in-memory project state after every operation and, once that state has been
rendered (which `migrate` does before the first migration), re-renders every model connected to
the one just created: a new model with a foreign key to the user model re-renders every model
that points at users, and nearly all of ours do. Applied one by one, the ~170 `CreateModel`s of
the squashed migrations rendered some 16,000 model classes: about nine tenths of the time a
fresh `migrate` took (18 s on the development machine). `CreateModels` adds an app's models to
the state at once and renders what they touch once, then creates the tables one after the
other exactly as `CreateModel` would; the schema and the state it leaves are the same (the
migration test compares a migrated database with the models, and `makemigrations --check`
compares the state)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.operations.models import CreateModel
from django.db.migrations.operations.special import RunPython
from django.db.migrations.state import ProjectState


class CreateModels(Operation):
    """Several `CreateModel`s of one app applied as one state change."""

    reversible = True
    reduces_to_sql = True
    category = OperationCategory.ADDITION

    def __init__(self, operations: list[CreateModel]) -> None:
        self.operations = operations

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [self.operations], {}

    @classmethod
    def grouped(cls, operations: Sequence[Operation]) -> list[Operation]:
        """`operations` with every run of consecutive `CreateModel`s made one `CreateModels`
        (the order of everything else unchanged)."""
        grouped: list[Operation] = []
        run: list[CreateModel] = []
        for operation in [*operations, None]:
            if isinstance(operation, CreateModel):
                run.append(operation)
                continue
            if run:
                grouped.append(cls(run) if len(run) > 1 else run[0])
                run = []
            if operation is not None:
                grouped.append(operation)
        return grouped

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        # ProjectState.add_model re-renders only once the state's models are rendered (its
        # cached `apps`): set them aside while the models go in, then render what they touch.
        rendered = state.__dict__.pop("apps", None)
        for operation in self.operations:
            operation.state_forwards(app_label, state)
        if rendered is not None:
            state.__dict__["apps"] = rendered
            state.reload_models([(app_label, op.name_lower) for op in self.operations], delay=False)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name: str, app_label: str) -> bool:
        return any(op.references_model(name, app_label) for op in self.operations)

    def describe(self) -> str:
        return f"Create {len(self.operations)} models: " + ", ".join(
            op.name for op in self.operations
        )

    @property
    def migration_name_fragment(self) -> str:
        return "_".join(op.name_lower for op in self.operations[:3])


class RunPythonOnRenderedModels(RunPython):
    """`RunPython` that hands the models it rendered on to the state after it.

    Once any earlier operation delayed re-rendering (Django's `is_delayed`, which a plain
    `AddField` sets for the rest of the run), every `RunPython` renders all ~200 models again
    before it runs, about 0.2 s each on the development machine. A `RunPython` changes no model,
    so the state after it is exactly the state it rendered: keeping that rendering (and clearing
    the flag) lets the next data migration find its models current, and renders again only after
    an operation that really changed them."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        super().database_forwards(app_label, schema_editor, from_state, to_state)
        if "apps" in from_state.__dict__:
            to_state.__dict__["apps"] = from_state.apps
            to_state.is_delayed = False
