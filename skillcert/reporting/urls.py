from django.urls import path

from skillcert.reporting import views

app_name = "reporting"

urlpatterns = [path("", views.statistics, name="statistics")]
