from django.urls import path

from campaign.articles import exports, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.library, name="list"),
    path("export.csv", exports.export_csv, name="export-csv"),
    path("export.json", exports.export_json, name="export-json"),
    path("data/", views.data_dictionary, name="data-dictionary"),
    path("feed/rss/", feeds.LibraryRssFeed(), name="feed-rss"),
    path("feed/atom/", feeds.LibraryAtomFeed(), name="feed-atom"),
    path("<int:number>/", views.document_detail, name="document"),
    path("items/<slug:slug>/", views.document_by_slug, name="document-by-slug"),
    path("deployments/", views.deployment_list, name="deployments"),
    path("deployments/<slug:slug>/", views.deployment_detail, name="deployment"),
    path("publishers/<slug:slug>/", views.publisher_detail, name="publisher"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity"),
    path("wins/", views.win_list, name="wins"),
]
