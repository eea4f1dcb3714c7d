"""The site's URLs, plus one bare view for the ceiling scenario: CSRF checked, one
INSERT, nothing else. It exists only under bench.settings, never in the product."""

from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from campaign.urls import handler404, handler500, urlpatterns  # noqa: F401


def ceiling(request):
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_ceiling (email, created_at) VALUES (%s, now())", [request.POST.get("email", "")]
            )
        return HttpResponse(status=204)
    token = get_token(request)
    return HttpResponse(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">')


urlpatterns = [*urlpatterns, path("bench/ceiling/", ceiling)]
