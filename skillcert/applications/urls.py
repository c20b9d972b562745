from django.urls import path

from skillcert.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("new/", views.application_new, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/submit/", views.application_submit_view, name="submit"),
    path("<int:pk>/resubmit/", views.application_resubmit_view, name="resubmit"),
    path("<int:pk>/withdraw/", views.application_withdraw_view, name="withdraw"),
    path("<int:pk>/attach/", views.application_attach_view, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_view,
        name="attachment",
    ),
    path("<int:pk>/photo/", views.application_photo_view, name="photo"),
    path("<int:pk>/accommodation/", views.application_accommodation_view, name="accommodation"),
    path("<int:pk>/review/", views.application_review_view, name="review_one"),
    path("<int:pk>/override/", views.application_override_view, name="override"),
    path("review/", views.review_queue_view, name="review"),
    path("review/bulk/", views.review_bulk_view, name="review_bulk"),
    path("plans/<int:plan_pk>/", views.plan_review_view, name="plan_review"),
    path("plans/<int:plan_pk>/roster/", views.roster_upload_view, name="roster_upload"),
    path("roster/template.xlsx", views.roster_template_view, name="roster_template"),
    path("roster/<int:pk>/", views.roster_status_view, name="roster_status"),
    path("roster/<int:pk>/report.xlsx", views.roster_report_view, name="roster_report"),
]
