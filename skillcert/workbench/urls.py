from django.urls import path

from skillcert.workbench import views

app_name = "workbench"
urlpatterns = [path("dashboard/", views.dashboard, name="dashboard")]
