from django.urls import path

from skillcert.itembank import views, views_authoring

app_name = "itembank"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("import/", views.item_import, name="import"),
    path("import/<int:pk>/", views.item_import_status, name="import_status"),
    path("items/new/", views_authoring.item_new, name="item_new"),
    path("items/<int:pk>/", views.item_detail, name="detail"),
    path("items/<int:pk>/edit/", views_authoring.item_edit, name="item_edit"),
    path("items/<int:pk>/statistics/", views_authoring.item_statistics, name="item_statistics"),
    *views.ITEM.urls(),
    path("papers/", views.paper_list, name="papers"),
    path("blueprints/new/", views_authoring.blueprint_new, name="blueprint_new"),
    path("blueprints/<int:pk>/assemble/", views.blueprint_assemble, name="assemble"),
    *views.PAPER.urls(),
    path("papers/<int:pk>/download/", views.paper_download_view, name="paper_download"),
    path("roles/", views_authoring.role_list, name="roles"),
    path("roles/<int:pk>/revoke/", views_authoring.role_revoke, name="role_revoke"),
]
