from django.urls import path

from skillcert.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
]
