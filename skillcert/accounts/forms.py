from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from skillcert.common.forms import NamedErrorsForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错 5 次，账户将被锁定 15 分钟。",
        "inactive": "该账户已停用，请联系管理员。",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class OtpForm(forms.Form):
    token = forms.CharField(
        label="动态口令",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(NamedErrorsForm):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class ApiTokenForm(NamedErrorsForm):
    name = forms.CharField(label="用途", max_length=64, help_text="例如：与省级平台数据交换")
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=365, initial=90)
