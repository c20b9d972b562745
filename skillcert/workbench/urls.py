from django.urls import path

from skillcert.workbench import views, views_settings

app_name = "workbench"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("settings/", views_settings.settings_home, name="settings"),
    path("settings/rules/", views_settings.settings_rules, name="settings_rules"),
    path(
        "settings/rules/eligibility/",
        views_settings.settings_rule_set_publish,
        name="settings_rule_set_publish",
    ),
    path(
        "settings/rules/qualification/",
        views_settings.settings_qualification_rule_publish,
        name="settings_qualification_rule_publish",
    ),
    path("settings/<slug:key>/", views_settings.settings_kind, name="settings_kind"),
    path(
        "settings/<slug:key>/record/",
        views_settings.settings_version_record,
        name="settings_version_record",
    ),
    path(
        "settings/<slug:key>/<int:version_id>/confirm/",
        views_settings.settings_version_confirm,
        name="settings_version_confirm",
    ),
]
