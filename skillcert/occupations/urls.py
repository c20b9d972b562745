from django.urls import path

from skillcert.occupations import views

app_name = "occupations"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("export.<str:fmt>", views.catalogue_export, name="catalogue_export"),
    path("import/", views.standards_import_view, name="import"),
    path("directory/", views.directory, name="directory"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/export.<str:fmt>", views.standard_export, name="standard_export"),
    path("<str:code>/", views.occupation_detail, name="detail"),
    *views.OCCUPATION.urls(),
]
