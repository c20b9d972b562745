from django.urls import path

from skillcert.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("peers/new/", views.peer_new, name="peer_new"),
]
