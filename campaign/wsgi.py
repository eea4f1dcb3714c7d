import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

django_application = get_wsgi_application()

# Imported once Django is set up: the routes read models' modules.
from campaign.core.frontcache import FrontCache  # noqa: E402
from campaign.petitions.frontcache import ROUTES  # noqa: E402

# The crowd's reads are answered from the cache before Django's request cycle.
application = FrontCache(django_application, ROUTES)
