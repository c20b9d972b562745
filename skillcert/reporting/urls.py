from django.urls import path

from skillcert.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("refresh/", views.refresh, name="refresh"),
    path("reports/", views.reports, name="reports"),
    path("subsidy/", views.subsidy, name="subsidy"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/<slug:fmt>/", views.report_download, name="report_download"),
]
