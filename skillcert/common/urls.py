from django.urls import path

from skillcert.common import views

app_name = "common"
urlpatterns = [path("dashboard/", views.dashboard, name="dashboard")]
