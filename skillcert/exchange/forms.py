from __future__ import annotations

import json
from typing import Any

from django import forms

from skillcert.common.forms import NamedErrorsForm
from skillcert.exchange.choices import PeerRole


class PeerForm(NamedErrorsForm):
    """What the province officer types to register another installation: the same fields as
    `manage.py exchange peer-add`, the keys pasted as JSON or fetched from their address."""

    name = forms.CharField(label="名称", max_length=100)
    installation = forms.CharField(label="安装标识", max_length=200)
    province = forms.CharField(label="省份代码", max_length=2, min_length=2)
    role = forms.ChoiceField(label="角色", choices=PeerRole.choices)
    url = forms.CharField(label="接收地址", max_length=300, required=False)
    keys_url = forms.CharField(label="公钥集地址（keys.json）", max_length=300, required=False)
    keys = forms.CharField(
        label="公钥集（JWKS，JSON）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="填写公钥集或其地址之一",
    )
    token = forms.CharField(
        label="推送凭证（对端签发的 API 令牌）",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
    )
    account = forms.CharField(
        label="对端账号（用户名）",
        required=False,
        max_length=150,
        help_text="对端拉取本安装数据或向本安装推送时所用的账号",
    )

    def clean_keys(self) -> dict[str, Any] | None:
        text = self.cleaned_data["keys"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError("公钥集不是有效的 JSON") from None
        if not isinstance(value, dict):
            raise forms.ValidationError('公钥集应为 JSON 对象（{"keys": [...]}）')
        return value
