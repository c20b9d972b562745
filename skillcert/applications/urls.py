from django.urls import path

from skillcert.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("new/", views.application_new, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_view,
        name="attachment",
    ),
    path("<int:pk>/photo/", views.application_photo_view, name="photo"),
    *views.APPLICATION.urls(),
    path("review/", views.review_queue_view, name="review"),
    path("review/bulk/", views.review_bulk_view, name="review_bulk"),
    path("plans/<int:plan_pk>/", views.plan_review_view, name="plan_review"),
    path("plans/<int:plan_pk>/roster/", views.roster_upload_view, name="roster_upload"),
    path("roster/template.xlsx", views.roster_template_view, name="roster_template"),
    path("roster/<int:pk>/", views.roster_status_view, name="roster_status"),
    path("roster/<int:pk>/report.xlsx", views.roster_report_view, name="roster_report"),
]
