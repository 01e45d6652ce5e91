"""The review and operations web app under /ui/ (docs/web.md): server-rendered pages over
the operation catalogue, registered on the Chalice app by `register`."""

from chalicelib.web.framework import register

__all__ = ["register"]
