from django.urls import path

from inspira.core import audit_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("min-sida/", views.dashboard, name="dashboard"),
    path("health/", views.health, name="health"),
    path("utskick/", views.outbox_list, name="outbox"),
    path("utskick/<int:item_id>/", views.outbox_detail, name="outbox_detail"),
    path("utskick/<int:item_id>/forsok-igen/", views.outbox_retry, name="outbox_retry"),
    path("granskningslogg/", audit_views.audit_list, name="audit"),
    path("granskningslogg/export.csv", audit_views.audit_export, name="audit_export"),
]
