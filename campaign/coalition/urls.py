from django.urls import path

from campaign.coalition import views

app_name = "coalition"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("join/", views.application_create, name="apply"),
    path("join/check-your-inbox/", views.application_thanks, name="apply-thanks"),
    path("join/confirm/<str:token>/", views.application_confirm, name="confirm"),
    path("join/answer/<str:token>/", views.application_answer, name="answer"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/", views.review_detail, name="review-detail"),
    path("review/changes/<int:pk>/", views.change_detail, name="change-detail"),
    path("review/by-hand/", views.record_by_hand, name="record"),
    path("review/by-hand/member/", views.record_member, name="record-member"),
    path("review/by-hand/endorsement/", views.record_endorsement, name="record-endorsement"),
    path("review/organisations/<slug:slug>/suspend/", views.organisation_suspend, name="suspend"),
    path("review/organisations/<slug:slug>/left/", views.organisation_mark_left, name="left"),
    path("review/contacts/<int:pk>/invite/", views.contact_invite, name="invite"),
    path("manage/", views.manage_home, name="manage"),
    path("manage/<slug:slug>/", views.profile_edit, name="profile"),
    path("manage/<slug:slug>/endorsements/", views.endorsements_manage, name="endorsements"),
    path("logos/<slug:slug>/<str:size>/<str:version>.png", views.organisation_logo, name="logo"),
    path("<slug:slug>/", views.organisation_detail, name="organisation"),
]
