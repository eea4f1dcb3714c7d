from django.urls import path

from campaign.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.access_request, name="request"),
    path("sent/", views.access_request_sent, name="sent"),
    path("<str:token>/", views.person_data, name="data"),
    path("<str:token>/data.json", views.person_data_json, name="json"),
    path("<str:token>/erase/", views.person_data_erase, name="erase"),
    path("<str:token>/renew/", views.access_link_renew, name="renew"),
]
