import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()


def settle() -> None:
    """For a web worker about to serve (config/gunicorn.conf.py, and the benchmark as one):
    every view imported, then what is loaded frozen out of the garbage collector's
    generations, as Python's `gc.freeze` documentation advises for servers. It lives as long
    as the worker; the collections during requests no longer walk it."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view
    gc.collect()
    gc.freeze()
