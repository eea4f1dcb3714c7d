from django.urls import path

from campaign.petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("<slug:slug>/", views.petition_detail, name="detail"),
    path("<slug:slug>/preview/", views.petition_preview, name="preview"),
    path("<slug:slug>/sign/", views.petition_sign, name="sign"),
    path("<slug:slug>/check-your-inbox/", views.petition_thanks, name="thanks"),
    path("<slug:slug>/resend/", views.signature_resend, name="resend"),
    path("<slug:slug>/confirm/<str:token>/", views.signature_confirm, name="confirm"),
    path("<slug:slug>/embed/", views.petition_embed, name="embed"),
    path("<slug:slug>/embed/sign/", views.petition_embed_sign, name="embed-sign"),
    path("<slug:slug>/embed/check-your-inbox/", views.petition_embed_thanks, name="embed-thanks"),
    path("<slug:slug>/badge.svg", views.petition_badge, name="badge"),
    path("<slug:slug>/share.png", views.petition_share_image, name="share-image"),
    path("<slug:slug>/withdraw/<str:token>/", views.signature_withdraw, name="withdraw"),
]
