import sys

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

from campaign.core.middleware import database_unavailable_response, is_database_unavailable
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


def bad_request(request, exception):
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE is "too large" (413), said plainly, so a
    # visitor who pasted a book into a form knows what to change.
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if request.path.startswith("/api/"):
        error = "too_large" if too_large else "bad_request"
        detail = "The request body is too large." if too_large else "The request could not be read."
        return JsonResponse({"error": error, "detail": detail}, status=status)
    return render(request, "400.html", {"too_large": too_large}, status=status)


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "No such resource."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this inside its exception handler: a database that went away while
    # a middleware used it (a session save, say) still gets the 503 page, not a 500.
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "server_error", "detail": "Something went wrong on our side."}, status=500)
    return render(request, "500.html", status=500)
