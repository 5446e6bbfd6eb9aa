from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from hwaseong_safety import views

admin.site.site_header = _("Hwaseong Smart City Integrated Operations Center")
admin.site.site_title = _("Hwaseong safe-return control")
admin.site.index_title = _("Administration")

handler404 = "hwaseong_safety.views.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/cameras/", include("cameras.urls")),
    path("api/v1/places/", include("places.urls")),
    path("demo/", include("demo.urls")),
    path("api/v1/", include("citizens.api.urls")),
    path("api/v1/", include("guardians.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("api/v1/dispatch/", include("alerts.dispatch.urls")),
    path("api/v1/console/", include("console.api.urls")),
    path("", include("guardians.page_urls")),
    path("", include("console.urls")),
]
