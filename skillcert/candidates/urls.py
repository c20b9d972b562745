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
    *views.PROFILE.urls(),
]
