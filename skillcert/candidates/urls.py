from django.urls import path

from skillcert.candidates import views

app_name = "candidates"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("claim/", views.claim, name="claim"),
    path("<int:pk>/activation/", views.activation, name="activation"),
    path("plans/<int:plan_pk>/activation.xlsx", views.plan_activations, name="plan_activations"),
    path("profile/", views.profile, name="profile"),
    path("profile/photo/", views.photo_upload, name="photo_upload"),
    path("profile/photo.img", views.photo_view, name="photo"),
    path("profile/work/add/", views.profile_work_add, name="profile_work_add"),
    path("profile/certificate/add/", views.profile_certificate_add, name="profile_certificate_add"),
    path("profile/education/add/", views.profile_education_add, name="profile_education_add"),
    path("profile/title/add/", views.profile_title_add, name="profile_title_add"),
    path("profile/<str:kind>/<int:item_id>/remove/", views.profile_remove, name="profile_remove"),
]
