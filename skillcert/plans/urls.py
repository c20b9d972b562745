from django.urls import path

from skillcert.plans import views

app_name = "plans"
urlpatterns = [path("", views.plan_list, name="list")]
