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
    path("<int:pk>/filing_start/", views.filing_start, name="filing_start"),
    path("<int:pk>/annual_report_start/", views.annual_report_start, name="annual_report_start"),
    path("<int:pk>/listing_add/", views.listing_add, name="listing_add"),
    path("<int:pk>/listing_remove/", views.listing_remove, name="listing_remove"),
    path("<int:pk>/credit_event/", views.credit_event_add, name="credit_event"),
    path("<int:pk>/scope_drop/", views.scope_drop, name="scope_drop"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/exit/", views.exit_filing, name="exit"),
    path("filings/", views_filing.filing_queue, name="filing_queue"),
    path("filings/<int:pk>/", views_filing.filing_detail, name="filing"),
    path("filings/<int:pk>/scope/", views_filing.filing_scope_save, name="filing_scope"),
    path("filings/<int:pk>/evidence/", views_filing.filing_evidence_save, name="filing_evidence"),
    path("filings/<int:pk>/submit/", views_filing.filing_submit, name="filing_submit"),
    path("filings/<int:pk>/withdraw/", views_filing.filing_withdraw, name="filing_withdraw"),
    path("filings/<int:pk>/review/", views_filing.filing_review, name="filing_review"),
    path("files/<int:pk>/", views_filing.file_download, name="file"),
    path("annual-reports/<int:pk>/", views.annual_report_detail, name="annual_report"),
    path("annual-reports/overdue/", views.annual_reports_overdue_view, name="overdue"),
]
