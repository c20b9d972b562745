from django.contrib.auth.views import LogoutView
from django.urls import path

from skillcert.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SkillcertLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp"),
    path("password/", views.password_change_view, name="password_change"),
    path("totp-codes/", views.totp_codes, name="totp_codes"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("totp-codes/<int:pk>/issue/", views.totp_code_issue, name="totp_code_issue"),
]
