"""Form errors: all of them at once, each beside its field and tied to the input."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string

from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm


class _Form(NamedErrorsForm):
    name = forms.CharField(label="姓名", max_length=4)
    phone = forms.CharField(label="手机号", help_text="11位数字")


def test_every_field_error_is_shown_beside_its_field_and_in_the_summary() -> None:
    form = _Form(data={"name": "太长的一个名字", "phone": ""})
    assert not form.is_valid()
    form.add_domain_error(DomainError("x.refused", "本计划已截止报名"))  # tied to no field
    html = render_to_string("common/_form_fields.html", {"form": form})
    assert 'id="id_name_error"' in html
    assert 'id="id_phone_error"' in html
    assert 'aria-describedby="id_name_error"' in html
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert 'id="id_phone_helptext"' in html
    summary = html.split("</ul>", 1)[0]
    assert "本计划已截止报名" in summary
    assert "姓名：" in summary
    assert "手机号：" in summary
    assert '<label for="id_name">姓名</label>' in html


def test_a_valid_form_shows_no_error_list() -> None:
    form = _Form(data={"name": "王芳", "phone": "13800000000"})
    assert form.is_valid()
    html = render_to_string("common/_form_fields.html", {"form": form})
    assert "errorlist" not in html
