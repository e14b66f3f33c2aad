"""Report weight benchmark: file size, plotly.js share and time to interactive of a rendered report.

    .venv/bin/python benchmarks/report_weight.py reports/sample-engagement.html [--runs 5]

Opens the page in headless Chromium (Playwright driving the system ``chromium``; the network
blocked, as a client offline) at 1400 x 900 and measures, per run:

- ``load``: navigation start to the load event;
- ``interactive``: navigation start to the end of the last long task (> 50 ms on the main
  thread, from the browser's own ``longtask`` entries) before a quiet second: the moment
  clicks and scrolls stop being blocked;
- ``first screen``: navigation start until the charts in the first viewport are drawn.

Prints the medians over ``--runs`` runs, the file size and how much of it is plotly.js.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
from pathlib import Path

CHART = 'class="plotly-graph-div"'
_LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
}).observe({type: 'longtask', buffered: true});
"""
_FIRST_SCREEN = """() => [...document.querySelectorAll('.plotly-graph-div')]
  .filter(d => d.getBoundingClientRect().top < window.innerHeight)
  .every(d => d.querySelector('svg.main-svg'))"""


def measure(page_path: Path, runs: int) -> dict[str, float]:
    """Median load, interactive and first-screen times (ms) over ``runs`` fresh page loads."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    results: dict[str, list[float]] = {"load": [], "interactive": [], "first screen": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                page.add_init_script(_LONG_TASKS)
                page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                page.goto(page_path.resolve().as_uri(), wait_until="load")
                page.wait_for_function(_FIRST_SCREEN, timeout=60_000)
                first = page.evaluate("() => performance.now()")
                page.wait_for_timeout(1000)
                while page.evaluate("() => performance.now() - Math.max(0, ...window.__longTasks)") < 1000:
                    page.wait_for_timeout(250)
                timing = page.evaluate("""() => ({load: performance.getEntriesByType('navigation')[0].loadEventStart,
                    interactive: Math.max(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                                          ...window.__longTasks)})""")
                results["load"].append(timing["load"])
                results["interactive"].append(timing["interactive"])
                results["first screen"].append(first)
                context.close()
        finally:
            browser.close()
    return {k: statistics.median(v) for k, v in results.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    text = args.html.read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    scripts = re.findall(r"<script>(.*?)</script>", text, flags=re.DOTALL)
    plotly = sum(len(s.encode("utf-8")) for s in scripts if re.search(r"\* plotly\.js v\d", s))
    print(f"{args.html}: {size / 1e6:.2f} MB, plotly.js {plotly / 1e6:.2f} MB ({plotly / size:.0%}), "
          f"{text.count(CHART)} charts")
    for name, ms in measure(args.html, args.runs).items():
        print(f"  {name}: {ms / 1000:.2f} s (median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
