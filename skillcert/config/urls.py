from django.contrib import admin
from django.urls import include, path

from skillcert.certificates import views as certificate_views
from skillcert.config.api import api
from skillcert.operations.health import healthz
from skillcert.operations.metrics import metrics_view
from skillcert.workbench import views as workbench_views

admin.site.site_header = "skillcert 系统管理"
admin.site.site_title = "skillcert"

urlpatterns = [
    path("", workbench_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("skillcert.workbench.urls")),
    path("accounts/", include("skillcert.accounts.urls")),
    path("audit/", include("skillcert.audit.urls")),
    path("workdays/", include("skillcert.workdays.urls")),
    path("organizations/", include("skillcert.organizations.urls")),
    path("directory/", include("skillcert.organizations.directory_urls")),
    path("occupations/", include("skillcert.occupations.urls")),
    path("eligibility/", include("skillcert.eligibility.urls")),
    path("itembank/", include("skillcert.itembank.urls")),
    path("personnel/", include("skillcert.personnel.urls")),
    path("plans/", include("skillcert.plans.urls")),
    path("candidates/", include("skillcert.candidates.urls")),
    path("applications/", include("skillcert.applications.urls")),
    path("scoring/", include("skillcert.scoring.urls")),
    path("exams/", include("skillcert.exams.urls")),
    path("certificates/", include("skillcert.certificates.urls")),
    # Short verification URL carried in the certificate QR code.
    path("v/<str:token>", certificate_views.verify_token_view, name="certificate_verify"),
    path("supervision/", include("skillcert.supervision.urls")),
    path("reporting/", include("skillcert.reporting.urls")),
    path("exchange/", include("skillcert.exchange.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
