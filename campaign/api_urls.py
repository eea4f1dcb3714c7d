"""JSON endpoints of every app, under /api/, namespaced "api"."""

from django.urls import path

from campaign.articles import api as articles_api
from campaign.coalition import api as coalition_api
from campaign.petitions import api as petitions_api

app_name = "api"

urlpatterns = [
    path("petitions/", petitions_api.petition_list, name="petition-list"),
    path("petitions/<slug:slug>/", petitions_api.petition_detail, name="petition-detail"),
    path("articles/", articles_api.document_list, name="article-list"),
    path("articles/<int:number>/", articles_api.document_detail, name="article-by-number"),
    path("articles/<slug:slug>/", articles_api.document_detail, name="article-detail"),
    path("organisations/", coalition_api.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", coalition_api.organisation_detail, name="organisation-detail"),
]
