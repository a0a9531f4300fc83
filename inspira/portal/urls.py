from django.urls import path

from inspira.core import views as core_views
from inspira.portal import audit_views, closed_school_views, participation_views, views

# The namespace these pages had when they lived in core: URLs and their names stay as they were.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("min-sida/", views.dashboard, name="dashboard"),
    path("mitt-deltagande/", participation_views.participation_record, name="participation"),
    path("mitt-deltagande/intyg.pdf", participation_views.participation_certificate, name="participation_certificate"),
    path("health/", core_views.health, name="health"),
    path("utskick/", views.outbox_list, name="outbox"),
    path("utskick/<int:item_id>/", views.outbox_detail, name="outbox_detail"),
    path("utskick/<int:item_id>/forsok-igen/", views.outbox_retry, name="outbox_retry"),
    path("granskningslogg/", audit_views.audit_list, name="audit"),
    path("granskningslogg/export.csv", audit_views.audit_export, name="audit_export"),
    # The schools Skolverket's register says are closed, with what is still open at each.
    path("skolor/upphorda/", closed_school_views.closed_schools, name="closed_schools"),
]
