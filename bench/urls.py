"""The app's URLs plus the benchmark floor (only with DJANGO_SETTINGS_MODULE=bench.settings).

/bench/bare/ is the cheapest page a signed-in user can get: the whole middleware stack
(session, user, two-step check, CSP, security headers) and a constant body, with no
template and no query of its own. bench/pages.py compares every page's p95 with it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from workforce.urls import urlpatterns as app_urlpatterns

_BODY = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bench</title></head>"
    b"<body><main><h1>Bench floor</h1><p>A constant page.</p></main></body></html>"
)


@login_required
def bare(request):
    return HttpResponse(_BODY)


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *app_urlpatterns]
