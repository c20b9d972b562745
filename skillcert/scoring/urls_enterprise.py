"""Enterprise self-evaluation pages: the scheme, the four dimensions, competitions and 直评."""

from __future__ import annotations

from django.urls import URLPattern, path

from skillcert.scoring import views_enterprise

urlpatterns: list[URLPattern] = [
    path("enterprise/", views_enterprise.enterprise_plans, name="enterprise_plans"),
    path(
        "enterprise/plans/<int:plan_pk>/occupations/<int:occupation_pk>/scheme/",
        views_enterprise.enterprise_scheme,
        name="enterprise_scheme",
    ),
    path(
        "enterprise/batches/<int:pk>/",
        views_enterprise.enterprise_batch,
        name="enterprise_batch",
    ),
    path(
        "enterprise/results/<int:pk>/evaluate/",
        views_enterprise.enterprise_evaluate,
        name="enterprise_evaluate",
    ),
    path(
        "enterprise/results/<int:pk>/recognise/",
        views_enterprise.enterprise_recognise,
        name="enterprise_recognise",
    ),
]
