from django.urls import path

from campaign.organise import views

app_name = "organise"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("letters/<slug:slug>/", views.letter, name="letter"),
    path("letters/<slug:slug>/resend/", views.letter_resend, name="letter-resend"),
]
