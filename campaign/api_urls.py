"""JSON endpoints of every app, under /api/, namespaced "api"."""

from django.urls import path

from campaign.petitions import api as petitions_api

app_name = "api"

urlpatterns = [
    path("petitions/", petitions_api.petition_list, name="petition-list"),
    path("petitions/<slug:slug>/", petitions_api.petition_detail, name="petition-detail"),
]
