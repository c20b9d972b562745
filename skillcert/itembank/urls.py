from django.urls import path

from skillcert.itembank import views

app_name = "itembank"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("import/", views.item_import, name="import"),
    path("import/<int:pk>/", views.item_import_status, name="import_status"),
    path("items/<int:pk>/", views.item_detail, name="detail"),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="action"),
    path("papers/", views.paper_list, name="papers"),
    path("blueprints/<int:pk>/assemble/", views.blueprint_assemble, name="assemble"),
    path("papers/<int:pk>/<slug:action>/", views.paper_action, name="paper_action"),
]
