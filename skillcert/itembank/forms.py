"""Input of the item-bank authoring pages. The forms check types only; what makes an item, a
blueprint or a role valid is decided by the services, whose errors land beside the field they
name (`content_clean` names stem, options, key, answer, scheme)."""

from __future__ import annotations

from typing import Any

from django import forms

from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.itembank.choices import ItemType
from skillcert.itembank.models import ItemBank, ItemBankRoleKind
from skillcert.occupations.selectors import elements_of_occupation, occupations_search

# The types written on this page (a practical task's scoring sheet is imported from Excel).
AUTHORED_TYPES = [
    (t.value, t.label)
    for t in (ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUE_FALSE, ItemType.SUBJECTIVE)
]
CHOICE_TYPES = (ItemType.SINGLE, ItemType.MULTIPLE)


def _text_area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "autocomplete": "off"})


class ItemContentForm(NamedErrorsForm):
    """What an item says and how it is marked; shared by the new and the edit page."""

    element = forms.ModelChoiceField(
        label="鉴定要素", queryset=elements_of_occupation(occupation_id=0)
    )
    stem = forms.CharField(label="题干", widget=_text_area(5), strip=True)
    options = forms.CharField(
        label="选项",
        required=False,
        widget=_text_area(5),
        help_text="选择题：每行一个选项，依次为 A、B、C……",
    )
    key = forms.CharField(
        label="答案",
        required=False,
        max_length=20,
        help_text="单选填一个字母；多选填多个字母（如 AC）；判断题填“正确”或“错误”",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    answer = forms.CharField(label="参考答案", required=False, widget=_text_area())
    scheme = forms.CharField(
        label="评分标准", required=False, widget=_text_area(), help_text="简答/案例分析题必填"
    )
    score = forms.DecimalField(label="分值", max_digits=6, decimal_places=2, initial=1)
    difficulty = forms.FloatField(label="预估难度", initial=0.5, help_text="0 到 1，答对的比例")
    enemy_group = forms.CharField(
        label="敌对组", required=False, max_length=40, help_text="同组试题不会出现在同一试卷中"
    )

    def content(self, item_type: str) -> dict[str, Any]:
        """The content document `content_clean` reads, for an item of `item_type`."""
        d = self.cleaned_data
        if item_type in CHOICE_TYPES:
            lines = [line.strip() for line in d["options"].splitlines() if line.strip()]
            return {"stem": d["stem"], "options": lines, "key": d["key"]}
        if item_type == ItemType.TRUE_FALSE:
            return {"stem": d["stem"], "key": d["key"]}
        return {"stem": d["stem"], "answer": d["answer"], "scheme": d["scheme"]}

    def initial_from(self, content: dict[str, Any]) -> None:
        """Fill the text fields from a stored item's content (the edit page)."""
        key = content.get("key")
        if isinstance(key, bool):
            key = "正确" if key else "错误"
        elif isinstance(key, list):
            key = "".join(key)
        self.initial.update(
            {
                "stem": content.get("stem", ""),
                "options": "\n".join(o.get("text", "") for o in content.get("options", [])),
                "key": key or "",
                "answer": content.get("answer", ""),
                "scheme": content.get("scheme", ""),
            }
        )


class ItemCreateForm(ItemContentForm):
    bank = forms.ModelChoiceField(label="题库", queryset=ItemBank.objects.none(), required=False)
    level = forms.TypedChoiceField(label="等级", coerce=int)
    item_type = forms.ChoiceField(label="题型", choices=AUTHORED_TYPES)
    code = forms.CharField(
        label="试题编号", required=False, max_length=40, help_text="留空则自动编号"
    )

    field_order = ["bank", "level", "element", "item_type", "code"]


class BlueprintForm(NamedErrorsForm):
    """A blueprint: its cells are the item counts per type, shared among the elements by the
    standard's weight table."""

    # The assembly core names the fields of its own document; they land on these inputs.
    FIELD_OF = {
        "difficulty.mean": "difficulty_mean",
        "difficulty.tolerance": "difficulty_tolerance",
        "difficulty": "difficulty_mean",
    }

    bank = forms.ModelChoiceField(label="题库", queryset=ItemBank.objects.none(), required=False)
    name = forms.CharField(label="蓝图名称", max_length=100)
    level = forms.TypedChoiceField(label="等级", coerce=int)
    difficulty_mean = forms.FloatField(label="目标平均难度", initial=0.55)
    difficulty_tolerance = forms.FloatField(label="难度容差", initial=0.05)
    count_single = forms.IntegerField(label="单项选择题题量", min_value=0, initial=0)
    count_multiple = forms.IntegerField(label="多项选择题题量", min_value=0, initial=0)
    count_true_false = forms.IntegerField(label="判断题题量", min_value=0, initial=0)
    count_subjective = forms.IntegerField(label="简答/案例分析题题量", min_value=0, initial=0)
    total_score = forms.DecimalField(
        label="总分", required=False, max_digits=7, decimal_places=2, help_text="留空则不限定"
    )
    max_overlap = forms.IntegerField(label="平行卷最大重复题数", required=False, min_value=0)
    max_exposure = forms.IntegerField(label="最大曝光次数", required=False, min_value=1)

    def type_counts(self) -> dict[str, int]:
        d = self.cleaned_data
        counts = {t: d.get(f"count_{t}") or 0 for t, _ in AUTHORED_TYPES}
        return {t: n for t, n in counts.items() if n}

    def add_domain_error(self, exc: DomainError) -> None:
        field = exc.field or ""
        if field in self.FIELD_OF:
            field = self.FIELD_OF[field]
        elif field.startswith("cells") or field == "weights":
            field = "count_single"
        self.add_error(field if field in self.fields else None, exc.message)


class RoleGrantForm(NamedErrorsForm):
    username = forms.CharField(label="用户名", max_length=150)
    occupation = forms.ModelChoiceField(label="职业", queryset=occupations_search().none())
    role = forms.ChoiceField(label="题库角色", choices=ItemBankRoleKind.choices)
    bank = forms.ModelChoiceField(label="题库", queryset=ItemBank.objects.none())
