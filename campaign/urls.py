from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from campaign.core import views as core_views
from campaign.petitions import views as petition_views
from campaign.sitemaps import SITEMAPS

# The admin logs in through allauth (rate limits, MFA), never with its own form.
admin.site.login = secure_admin_login(admin.site.login)
# The admin carries the campaign's name, as every other page does.
admin.site.site_header = _("Ban Biometric Surveillance")
admin.site.site_title = _("Ban Biometric Surveillance")
admin.site.index_title = _("Organisers' admin")

# Machines' addresses stay without a language: the API, the admin, the sitemap, robots.txt.
urlpatterns = [
    path("api/", include("campaign.api_urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots"),
]

# Pages carry their language in the address: English at /letters/…, the others at
# /fr/letters/…, so each language is its own address for caches and for sharing
# (docs/adr/0010-letter-translations-share-one-count.md). An address in any language
# answers without a redirect, so a mail program's one-click unsubscribe POST to a
# prefixed link (RFC 8058) lands as it is.
urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("share/mastodon/", core_views.share_mastodon, name="share-mastodon"),
    path("privacy/my-data/", include("campaign.privacy.urls")),
    path("letters/", include("campaign.petitions.urls")),
    path("accounts/", include("allauth.urls")),
    path("evidence/", include("campaign.articles.urls")),
    path("coalition/", include("campaign.coalition.urls")),
    path("organise/", include("campaign.organise.urls")),
    path("partners/<str:token>/", petition_views.partner_totals, name="partner-totals"),
    path("", include("campaign.updates.urls")),
    path("organise/letters/<slug:slug>/pack/", include("campaign.petitions.urls_handin")),
    prefix_default_language=False,
)

handler400 = "campaign.core.views.bad_request"
handler404 = "campaign.core.views.page_not_found"
handler500 = "campaign.core.views.server_error"
