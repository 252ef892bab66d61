"""Benchmark: Lighthouse scores of the sample's landing pages, served locally (not a test).

    python benchmarks/lighthouse.py                 # mobile and desktop, a page per campaign
    python benchmarks/lighthouse.py --json          # the scores as JSON

What it does, all on 127.0.0.1:
1. copies the sample project and points its image URLs at a local image server, which answers
   every image URL with a stand-in JPEG of the width the page asks for (`?width=` of the project's
   image_url template; 1200 px without it), drawn once in Chromium (blobs and noise, so the bytes
   are photo-like rather than a flat colour) and encoded by its canvas;
2. builds the copy twice with `--as-of` (before and during the winter sale, so the EU pages show the
   30-day reference price) and serves the output with `feedgen serve` (gzip, caching headers);
3. runs Lighthouse (npm `lighthouse`, pinned below; it runs on Node 18+, installed on first use
   into benchmarks/.npm) with Debian's Chromium, mobile (Lighthouse's default: Moto G Power
   emulation, simulated slow 4G) and desktop, and prints each category's score.

Needs: node/npm and chromium.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO)]

LIGHTHOUSE_VERSION = "12.6.1"  # the last 12.x at the time of writing; needs Node >= 18.20
NPM_DIR = HERE / ".npm"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("no/winter-boots", "de/winter-boots", "gb/city-sneakers", "fi/kids-winter-boots")
SAMPLE_IMAGES = "https://images.alfasko.no/"
BEFORE, DURING = date(2026, 11, 1), date(2026, 11, 22)


def lighthouse_bin() -> Path:
    binary = NPM_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return binary


JPEG_SCRIPT = """(() => {
  const out = {};
  const master = document.createElement('canvas'); master.width = master.height = 1200;
  const g = master.getContext('2d');
  let seed = 18; const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  g.fillStyle = '#d9d2c3'; g.fillRect(0, 0, 1200, 1200);
  for (let i = 0; i < 2500; i++) {  // soft blobs and fine noise: compresses like a product photo, not a flat colour
    g.fillStyle = `hsla(${random() * 60 + 10}, ${random() * 40 + 20}%, ${random() * 60 + 20}%, ${random() * 0.5})`;
    g.beginPath(); g.arc(random() * 1200, random() * 1200, random() * 60 + 2, 0, 7); g.fill();
  }
  for (const width of WIDTHS) {
    const c = document.createElement('canvas'); c.width = c.height = width;
    c.getContext('2d').drawImage(master, 0, 0, width, width);
    out[width] = c.toDataURL('image/jpeg', 0.82).split(',')[1];
  }
  return out;
})()"""


def stand_in_jpegs(folder: Path, widths: tuple[int, ...]) -> dict[int, bytes]:
    """Photo-like square JPEGs (quality 82, as a CDN would send), one per width, encoded by Chromium's canvas."""
    import base64

    from tests.pages.browser import Browser

    with Browser(folder / "profile") as browser:
        tab = browser.open("about:blank", 800, 600)
        encoded = tab.evaluate(JPEG_SCRIPT.replace("WIDTHS", json.dumps(sorted({*widths, 1200}))))
    return {int(width): base64.b64decode(data) for width, data in encoded.items()}


def image_server(images: dict[int, bytes]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            try:
                width = int(query.get("width", ["1200"])[0])
            except ValueError:
                width = 1200
            body = images.get(width) or images[min(images, key=lambda w: abs(w - width))]
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def prepare(root: Path, image_base: str) -> Path:
    """The sample project with local image URLs, built before and during the sale."""
    from click.testing import CliRunner

    from feedgen.cli import main

    shutil.copytree(REPO / "product_data", root / "product_data")
    shutil.copytree(REPO / "locales", root / "locales")
    catalogue = root / "product_data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(SAMPLE_IMAGES, image_base), encoding="utf-8")
    for day in (BEFORE, DURING):
        result = CliRunner().invoke(main, ["build", "--data", str(root / "product_data"), "-o", str(root / "output"),
                                           "--as-of", day.isoformat()])
        if result.exit_code not in (0, 1):
            raise SystemExit(f"build failed:\n{result.output}")
    return root


def run_lighthouse(binary: Path, url: str, preset: str, out: Path) -> dict[str, int]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    command = [str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run"]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chromium or ""}, timeout=300)
    if os.environ.get("FEEDGEN_KEEP_LIGHTHOUSE"):
        shutil.copy(out, Path(os.environ["FEEDGEN_KEEP_LIGHTHOUSE"]) / f"{preset}-{url.rsplit('/', 2)[-2]}.json")
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    scores["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    scores["bytes"] = round(audits["total-byte-weight"]["numericValue"])
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--pages", default=",".join(PAGES), help="market/slug, comma-separated")
    args = parser.parse_args()

    from feedgen.channels import read_markets
    from feedgen.pipeline.serve import Project, make_server
    from feedgen.config.paths import ProjectPaths

    binary = lighthouse_bin()
    widths = read_markets(REPO / "product_data" / "markets.toml").images.widths or (1200,)
    results = []
    with tempfile.TemporaryDirectory(prefix="feedgen-lighthouse-") as temp:
        root = Path(temp)
        images = image_server(stand_in_jpegs(root / "jpeg", widths))
        project = prepare(root / "project", f"http://127.0.0.1:{images.server_address[1]}/")
        pages = make_server(Project(ProjectPaths(data_dir=project / "product_data", out=project / "output",
                                    locales=project / "locales")), port=0)
        threading.Thread(target=pages.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{pages.server_address[1]}"
        try:
            for page in args.pages.split(","):
                for preset in ("mobile", "desktop"):
                    scores = run_lighthouse(binary, f"{base}/pages/{page}.html", preset, root / f"{preset}.json")
                    results.append({"page": page, "form_factor": preset, **scores})
                    if not args.json:
                        print(f"{page:22} {preset:8} " + "  ".join(f"{k} {v}" for k, v in scores.items()), flush=True)
        finally:
            pages.shutdown()
            images.shutdown()
    if args.json:
        print(json.dumps({"lighthouse": LIGHTHOUSE_VERSION, "results": results}, indent=2))


if __name__ == "__main__":
    main()
