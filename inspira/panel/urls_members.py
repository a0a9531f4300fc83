"""members pages of the teacher panel (namespace "panel", under /lararpanelen/)."""

from django.urls import path

from inspira.panel import views_members as views

urlpatterns = [
    path("", views.index, name="index"),
    path("ga-med/", views.join, name="join"),
    path("mitt-medlemskap/", views.membership, name="membership"),
    path("mitt-medlemskap/fornya/", views.renew, name="renew"),
    path("mitt-medlemskap/lamna/", views.leave, name="leave"),
    path("samtyckestexter/", views.consent_texts, name="consent_texts"),
    path("samtyckestexter/ny/", views.consent_text_new, name="consent_text_new"),
]
