"""Weigh the caseload page in Khmer as a phone's browser receives it, against a running server.

    .venv/bin/python bench/page_weight.py --url http://127.0.0.1:8765 --user worker.shelter

Signs in (the demo password by default), switches the person to Khmer, then opens the caseload
twice in one browser: the first visit with an empty cache, the warm visit as a later page
view (90 s later by default, so that a file without cache headers has to be revalidated). For
each it prints the bytes that crossed the network (headers included, bodies as sent,
compressed or not) and the requests that reached the server; a request the browser answered
from its own cache is not counted. Loopback only; nothing is written.
"""

import argparse
import shutil

from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class NetworkLog:
    """Chromium's own account of each request, from the DevTools protocol."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.reset()
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.requestServedFromCache", self._cached)
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)

    def reset(self):
        self.urls: dict[str, str] = {}
        self.from_cache: set[str] = set()
        self.bytes: dict[str, int] = {}
        self.status: dict[str, int] = {}
        self.encoding: dict[str, str] = {}

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _cached(self, event):
        self.from_cache.add(event["requestId"])

    def _response(self, event):
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.from_cache.add(event["requestId"])
        self.status[event["requestId"]] = response["status"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self.encoding[event["requestId"]] = headers.get("content-encoding", "-")

    def _finished(self, event):
        self.bytes[event["requestId"]] = int(event["encodedDataLength"])

    def summary(self) -> dict:
        network = [r for r in self.urls if r not in self.from_cache]
        return {
            "requests": len(network),
            "bytes": sum(self.bytes.get(r, 0) for r in network),
            "detail": sorted(
                (
                    self.urls[r].split("/", 3)[-1][:70],
                    self.status.get(r),
                    self.encoding.get(r),
                    self.bytes.get(r, 0),
                )
                for r in network
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", default="worker.shelter")
    parser.add_argument("--password", default="demo-pass-2026")
    parser.add_argument(
        "--warm-after",
        type=float,
        default=90,
        help="seconds between the two visits, so that heuristic freshness can lapse",
    )
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        context = browser.new_context(
            base_url=args.url, viewport={"width": 360, "height": 780}, locale="km-KH"
        )
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        page.select_option("#language", "km")
        page.locator("form[action$='/i18n/setlang/'] button").click()
        page.wait_for_load_state("networkidle")
        # Sign-in and language pages fetched the assets already: start again with a cold cache.
        log = NetworkLog(page)
        log.session.send("Network.clearBrowserCache")
        log.reset()
        page.goto("/cases/", wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        if page.locator("html").get_attribute("lang") != "km":
            raise SystemExit("The caseload is not in Khmer: check the sign-in.")
        first = log.summary()
        page.wait_for_timeout(args.warm_after * 1000)
        log.reset()
        page.goto("/cases/", wait_until="networkidle")
        warm = log.summary()
        browser.close()
    for name, result in (("first visit", first), ("warm visit", warm)):
        print(f"{name}: {result['requests']} requests, {result['bytes'] / 1024:.1f} KB transferred")
        for url, status, encoding, size in result["detail"]:
            print(f"    {status} {encoding:>5} {size:>8} B  /{url}")


if __name__ == "__main__":
    main()
