"""The manual at ``/manual``: the site ``mkdocs build`` wrote (``site/`` of the checkout, or
``$CARBONKIT_MANUAL_DIR``), served as static files with no key, like ``/docs``. The pages load nothing from
outside (the theme's web fonts are off). Without a built site ``/manual`` answers 404 with a problem body saying
how to build it."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parent.parent


def manual_dir() -> Path:
    """Where the built manual is looked for."""
    return Path(os.environ.get("CARBONKIT_MANUAL_DIR") or ROOT / "site")


def mount(app: FastAPI) -> None:
    """Serve the built manual at /manual, or a 404 problem when it is not built."""
    site = manual_dir()
    if (site / "index.html").is_file():
        app.mount("/manual", StaticFiles(directory=site, html=True), name="manual")
        return

    @app.get("/manual", include_in_schema=False)
    @app.get("/manual/{path:path}", include_in_schema=False)
    def manual_missing(path: str = "") -> JSONResponse:
        return JSONResponse({"detail": f"the manual is not built: run `mkdocs build` (writes {site}) or set "
                                       "CARBONKIT_MANUAL_DIR"}, status_code=404)
