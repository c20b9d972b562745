from django.urls import path

from skillcert.certificates import views, views_issue

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("verify/", views.query_view, name="query"),
    path("keys.json", views.keys_view, name="keys"),
    path("issuer/did.json", views.issuer_document_view, name="issuer"),
    path("status/<int:number>", views.status_list_view, name="status_list"),
    # before "<str:number>/", which would otherwise take "corrections" or "issue" for a number
    path("issue/", views_issue.issue_list, name="issue"),
    path("issue/batches/<int:pk>/", views_issue.issue_batch, name="issue_batch"),
    path("issue/batches/<int:pk>/start/", views_issue.issue_start, name="issue_start"),
    path("issue/jobs/<int:pk>/", views_issue.issue_job, name="issue_job"),
    path("issue/jobs/<int:pk>/resume/", views_issue.issue_resume, name="issue_resume"),
    path("issue/results/<int:pk>/", views_issue.issue_one, name="issue_one"),
    path("corrections/", views.correction_list, name="corrections"),
    *views.CORRECTION.urls(),
    path("<str:number>/", views.certificate_detail, name="detail"),
    path("<str:number>/certificate.pdf", views.certificate_pdf_view, name="pdf"),
    path("<str:number>/credential.json", views.certificate_credential_view, name="credential"),
    path("<str:number>/correction/", views.correction_request_file, name="correction_request"),
    *views.REVOKE.urls(),
    *views.REPLACE.urls(),
]
