from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("inspira.portal.urls")),
    path("konto/skolfederationen/", include("inspira.federation.urls")),
    path("konto/", include("inspira.accounts.urls")),
    # djangosaml2's endpoints (SP metadata, login, assertion consumer): addresses registered with the federation.
    path("saml2/", include("inspira.federation.saml_urls")),
    path("skolor/", include("inspira.accounts.school_urls")),
    path("lasar/", include("inspira.schoolyears.urls")),
    path("program/", include("inspira.programmes.urls")),
    path("enkater/", include("inspira.surveys.urls")),
    path("", include("inspira.events.urls")),
    path("benchmarking/", include("inspira.benchmarking.urls")),
    path("insatser/", include("inspira.efforts.urls")),
    path("samverkan/", include("inspira.efforts.urls_cooperation")),
    path("lararpanelen/", include("inspira.panel.urls")),
    path("ansokan/", include("inspira.certification.urls")),
    path("inspirationsplatser/", include("inspira.catalogue.urls")),
    path("besok/", include("inspira.visits.urls")),
    path("ekonomi/", include("inspira.billing.urls")),
    path("integritet/", include("inspira.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

# 404, 403 and 400 use Django's handlers with templates/<code>.html; the 500 page must not need
# the database, so it has a handler of its own.
handler500 = "inspira.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
