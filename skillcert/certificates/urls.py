from django.urls import path

from skillcert.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("verify/", views.query_view, name="query"),
    path("keys.json", views.keys_view, name="keys"),
    path("status/1", views.status_list_view, name="status_list"),
    # before "<str:number>/", which would otherwise take "corrections" for a number
    path("corrections/", views.correction_list, name="corrections"),
    path(
        "corrections/<int:pk>/<slug:decision>/",
        views.correction_decide,
        name="correction_decide",
    ),
    path("<str:number>/", views.certificate_detail, name="detail"),
    path("<str:number>/certificate.pdf", views.certificate_pdf_view, name="pdf"),
    path("<str:number>/credential.json", views.certificate_credential_view, name="credential"),
    path("<str:number>/correction/", views.correction_request_file, name="correction_request"),
    path("<str:number>/<slug:action>/", views.certificate_action, name="action"),
]
