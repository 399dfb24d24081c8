"""gunicorn's settings for the web process (bin/web). Each may be changed from the environment.

- Workers: WEB_CONCURRENCY, by default 2 × cores + 1. Each is a synchronous process of
  100-200 MB that serves one request at a time. Pages spend most of their time in Python, so
  more workers than that only queue on the CPU: measure with bench/load_run.py, then add
  machines (the processes share nothing: sessions, cache and files are elsewhere).
- Timeouts: a request still running after WEB_TIMEOUT (60 s: the longest export) is killed
  and logged; on a restart a worker has GRACEFUL_TIMEOUT (30 s) to finish what it serves.
- Slow clients are the TLS proxy's to buffer (nginx, Caddy and HAProxy all do): a
  synchronous worker is never held by a phone on a slow line.
- Each worker is replaced after about 1,000 requests, so that no slow leak grows for ever.
- Each worker, once it has loaded the application and imported every view, freezes those
  objects out of the garbage collector's generations (as Python's `gc.freeze` documentation
  advises for servers): they live as long as the worker, and each collection during a request
  no longer walks them again (a case page spent 4 ms of its time in the collector, 0.6 ms
  after).
- No access log: the application writes one JSON line per request, with its id and without
  the query string (ops/middleware.py). gunicorn's own messages are JSON too.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", 30))
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
# Only the proxy on this machine may say the request came over HTTPS (FORWARDED_ALLOW_IPS
# names others, such as the proxy's address on a private network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat files of idle workers live in memory where there is /dev/shm (containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


def post_worker_init(worker):
    from config.wsgi import settle

    settle()


accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
    "filters": {"request": {"()": "ops.logs.RequestContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request"],
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
