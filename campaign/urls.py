from django.contrib import admin
from django.urls import include, path

from campaign.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("letters/", include("campaign.petitions.urls")),
    path("api/", include("campaign.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "campaign.core.views.page_not_found"
handler500 = "campaign.core.views.server_error"
