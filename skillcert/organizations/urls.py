from django.urls import path

from skillcert.organizations import views, views_filing, views_onboarding

app_name = "organizations"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views_onboarding.organization_new, name="new"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/accounts/", views_onboarding.org_accounts, name="accounts"),
    path(
        "<int:pk>/accounts/<int:account>/close/",
        views_onboarding.org_account_close,
        name="account_close",
    ),
    *views.ORG.urls(),
    path("filings/", views_filing.filing_queue, name="filing_queue"),
    path("filings/<int:pk>/", views_filing.filing_detail, name="filing"),
    path("filings/<int:pk>/evidence/", views_filing.filing_evidence_save, name="filing_evidence"),
    *views_filing.FILING.urls(),
    path("files/<int:pk>/", views_filing.file_download, name="file"),
    path("annual-reports/<int:pk>/", views.annual_report_detail, name="annual_report"),
    path("annual-reports/overdue/", views.annual_reports_overdue_view, name="overdue"),
]
