from django.urls import path

from skillcert.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.org_action, name="action"),
    path("filings/", views.filing_queue, name="filing_queue"),
    path("filings/<int:pk>/", views.filing_detail, name="filing"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("annual-reports/<int:pk>/", views.annual_report_detail, name="annual_report"),
    path("annual-reports/overdue/", views.annual_reports_overdue_view, name="overdue"),
]
