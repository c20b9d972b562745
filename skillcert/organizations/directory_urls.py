from django.urls import path

from skillcert.organizations import views_directory

app_name = "directory"
urlpatterns = [
    path("", views_directory.directory_list, name="list"),
    path("<str:filing_number>/", views_directory.directory_detail, name="detail"),
]
