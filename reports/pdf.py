"""A report page as PDF (A4, the print stylesheet of the templates), printed by headless Chromium.

    >>> pdf = html_to_pdf(enterprise_report("examples/tyre_maker.json"))  # doctest: +SKIP

The browser is ``$CARBONKIT_CHROMIUM`` or the first of chromium, chromium-browser, google-chrome on the PATH;
Chinese text needs a CJK font on the machine (Debian: ``fonts-noto-cjk``, installed by ``.ci/run``). Without a
browser :class:`PdfUnavailable` says so: PDF output is optional, HTML always works.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from carbonkit.errors import CarbonkitError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class PdfUnavailable(CarbonkitError):
    """No headless browser to print the PDF with (or it failed)."""


def browser() -> str | None:
    """The Chromium executable used for PDF output, or None."""
    chosen = os.environ.get("CARBONKIT_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def html_to_pdf(html: str, timeout: float = 90.0) -> bytes:
    """The PDF of a self-contained HTML page (no network is used: the page has no external resource)."""
    exe = browser()
    if exe is None:
        raise PdfUnavailable("PDF output needs headless Chromium: install chromium (Debian) or set CARBONKIT_CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="carbonkit-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            subprocess.run(args, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"the browser did not print the PDF: {exc}") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfUnavailable("the browser did not print the PDF")
        return out.read_bytes()
