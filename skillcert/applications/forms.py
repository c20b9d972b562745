"""Input forms of the application pages. They check types only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from skillcert.common.forms import NamedErrorsForm

# A primary key beyond 64 bits cannot exist; longer digit strings are dropped before they
# reach the database.
_MAX_ID_DIGITS = 18


class TickedIdsField(forms.Field):
    """The ids of the ticked rows (checkboxes sharing one name): values that cannot be a row's
    id are dropped, duplicates collapse, order is kept."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids: list[int] = []
        for raw in values:
            text = str(raw).strip()
            if text.isdigit() and len(text) <= _MAX_ID_DIGITS and int(text) not in ids:
                ids.append(int(text))
        return ids

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class BulkApproveForm(NamedErrorsForm):
    """批量通过: the ticked rows of one tier's queue; `confirm` is set by the confirmation step
    that shows the count, so a single click never approves anything."""

    tier = forms.ChoiceField(label="审核层级")
    ids = TickedIdsField(
        label="勾选的申报",
        error_messages={"required": "未勾选任何申报，没有通过任何申报。请先勾选要通过的申报"},
    )
    confirm = forms.BooleanField(label="确认", required=False)
    reason = forms.CharField(label="审核意见", required=False, max_length=500)
    query = forms.CharField(label="筛选条件", required=False, max_length=2000)
