"""Included at the site's root: the organisers' pages under /organise/letters/<slug>/updates/,
and the unsubscribe link every update mail carries."""

from django.urls import path

from campaign.updates import views

app_name = "updates"

urlpatterns = [
    path("organise/letters/<slug:slug>/updates/", views.update_list, name="list"),
    path("organise/letters/<slug:slug>/updates/new/", views.update_create, name="create"),
    path("organise/letters/<slug:slug>/updates/<int:pk>/", views.update_detail, name="detail"),
    path("organise/letters/<slug:slug>/updates/<int:pk>/test/", views.update_test, name="test"),
    path("organise/letters/<slug:slug>/updates/<int:pk>/send/", views.update_send, name="send"),
    path("updates/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
