from django.http import JsonResponse
from django.shortcuts import render

from campaign.petitions import selectors
from campaign.petitions.models import Petition


def home(request):
    letters = list(Petition.objects.public().order_by("status", "-created_at")[:6])
    for letter in letters:
        letter.signature_count = selectors.signature_count(letter)
    featured = next((letter for letter in letters if letter.is_open), letters[0] if letters else None)
    return render(request, "core/home.html", {"letters": letters, "featured": featured})


def privacy(request):
    return render(request, "core/privacy.html")


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "No such resource."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "server_error", "detail": "Something went wrong on our side."}, status=500)
    return render(request, "500.html", status=500)
