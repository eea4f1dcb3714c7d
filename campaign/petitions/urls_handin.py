"""Organisers' pages for a letter's hand-in, under /organise/letters/<slug>/pack/."""

from django.urls import path

from campaign.petitions import views_handin

app_name = "handin"

urlpatterns = [
    path("", views_handin.pack_list, name="packs"),
    path("<int:pk>/letter.pdf", views_handin.pack_pdf, name="pdf"),
    path("<int:pk>/signatures.csv", views_handin.pack_csv, name="csv"),
]
