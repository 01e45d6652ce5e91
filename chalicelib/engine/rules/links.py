"""Link rules (LKxxx): destinations of links, images and reference definitions, offline.

Empty link destinations and `#` are MD042's; undefined reference labels are MD052's; these rules
cover what markdownlint does not. No request is ever made: an online reachability check would be
a separate, opt-in step (ok / broken / unverifiable), off by default.

Relative links are checked only when the caller knows the docs set (`tbcv check` passes every file
under the folders it checks as `memo[DOCS_MEMO]`: normalised paths, written as the document paths
are), and only for links written as file paths (`./x`, `../x`, `x.md`): Hugo's pretty URLs
(`other-page/`) depend on the site's URL settings and cannot be resolved from files.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote

from chalicelib.engine.document import Link
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, RuleParams, rule

DOCS_MEMO = "docs_set"
ALLOWED_SCHEMES = ("http", "https", "mailto", "ftp", "tel")
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "your-domain.com", "yourdomain.com")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)")
_PLACEHOLDER_WORD = re.compile(r"(?i)\b(?:todo|fixme|tbd|placeholder)\b|^(?:url|link|\.\.\.|…)$")
_ANY_ADDRESS = "0.0.0.0"  # nosec B104  # a host a link must not name; nothing binds to it
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", _ANY_ADDRESS, "[::1]"})


def _targets(ctx: CheckContext) -> list[tuple[str, int, int, bool]]:
    """(url, line, column, is_image) of every link, image, bare URL and reference definition,
    gathered once per page for all the link rules."""
    targets = ctx.memo.get("link_targets")
    if targets is None:
        doc = ctx.doc
        targets = [(link.url, link.line, link.column, link.is_image) for link in doc.links]
        for start, _, url in doc.bare_urls:
            line, column = doc.position(start)
            targets.append((url, line, column, False))
        targets.extend((definition.url, definition.line, 1, False) for definition in doc.reference_definitions)
        ctx.memo["link_targets"] = targets
    return targets


def _host(url: str) -> str | None:
    match = _HOST.match(url)
    return match.group(1).lower() if match else None


@rule(
    "LK001",
    "image-empty-url",
    "links",
    "error",
    "Images and reference definitions need a destination; an empty one renders a broken image or "
    "a dead link (empty link destinations are MD042's).",
    why="An empty destination renders a broken image or a link that goes nowhere.",
    good="![Save dialog](save-dialog.png)",
    bad="![Save dialog]()",
)
def empty_url(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for link in ctx.doc.links:
        if link.is_image and not link.url.strip():
            yield Finding("Image has no URL", link.line, link.column)
    for definition in ctx.doc.reference_definitions:
        if not definition.url.strip():
            yield Finding(f"Reference definition '{definition.label}' has no URL", definition.line)


@rule(
    "LK002",
    "link-url-spaces",
    "links",
    "error",
    "URLs must not contain spaces (write `%20`); many renderers cut the link at the space.",
    why="Renderers cut the URL at the space, so the link points somewhere else.",
    good="[Guide](<docs/user%20guide.md>)",
    bad="[Guide](<docs/user guide.md>)",
    fixable=True,
)
def url_spaces(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    text = ctx.doc.text
    for link in ctx.doc.links:
        url = link.url
        if " " not in url or not url.strip():
            continue
        fix = None
        start = link.url_start
        if start is not None and text.startswith(url, start):
            fix = (TextEdit(start, start + len(url), url.replace(" ", "%20")),)
        yield Finding(
            f"URL contains spaces: '{url[:80]}'", link.line, link.column, suggestion="Encode the spaces as %20", fix=fix
        )


@rule(
    "LK003",
    "link-localhost",
    "links",
    "warning",
    "Links to localhost or a loopback address only work on the writer's machine.",
    why="Localhost links only work on the writer's machine; every reader gets an error.",
    good="[API](https://reference.aspose.com/words/java/)",
    bad="[API](http://localhost:8080/words/java/)",
)
def localhost(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for url, line, column, _ in _targets(ctx):
        if "//" in url and _host(url) in _LOCAL_HOSTS:
            yield Finding(f"Link points at a local address: '{url[:80]}'", line, column)


class PlaceholderHostParams(RuleParams):
    """Params of LK004 (link-placeholder)."""

    hosts: tuple[str, ...] = ("example.com", "example.org", "example.net", "your-domain.com", "yourdomain.com")


@rule(
    "LK004",
    "link-placeholder",
    "links",
    "warning",
    "Placeholder destinations (example.com, TODO, FIXME, `url`, `...`) are links nobody finished.",
    why="A placeholder link is one nobody finished; readers who follow it land nowhere useful.",
    good="[Download](https://releases.aspose.com/words/java/)",
    bad="[Download](https://example.com/download)",
    params=PlaceholderHostParams,
)
def placeholder(ctx: CheckContext, params: PlaceholderHostParams) -> Iterable[Finding]:
    hosts = tuple(params.hosts)
    for url, line, column, _ in _targets(ctx):
        if not url:
            continue
        host = _host(url) if "//" in url else None
        if host and any(host == h or host.endswith("." + h) for h in hosts):
            yield Finding(f"Link points at a placeholder site: '{url[:80]}'", line, column)
        elif _PLACEHOLDER_WORD.search(url):
            yield Finding(f"Link destination is a placeholder: '{url[:80]}'", line, column)


class AllowedSchemesParams(RuleParams):
    """Params of LK005 (link-disallowed-scheme)."""

    schemes: tuple[str, ...] = ("http", "https", "mailto", "ftp", "tel")


@rule(
    "LK005",
    "link-disallowed-scheme",
    "links",
    "error",
    "Only web, mail, FTP and phone links are allowed: `javascript:`, `file:` or `data:` links are unsafe "
    "or only work on one machine, and `C:\\...` is a local file path.",
    why="`javascript:`, `file:` and `data:` links are unsafe or only work on one machine.",
    good="[Contact](mailto:support@aspose.com)",
    bad="[Run](javascript:alert(1))",
    params=AllowedSchemesParams,
)
def disallowed_scheme(ctx: CheckContext, params: AllowedSchemesParams) -> Iterable[Finding]:
    allowed = {scheme.lower() for scheme in params.schemes}
    for url, line, column, _ in _targets(ctx):
        match = _SCHEME.match(url.strip())
        if not match:
            continue
        scheme = match.group(1).lower()
        if len(scheme) == 1:
            yield Finding(f"Link points at a local file path: '{url[:80]}'", line, column)
        elif scheme not in allowed:
            yield Finding(f"Link scheme '{scheme}:' is not allowed", line, column)


@rule(
    "LK006",
    "link-bracketed-url",
    "links",
    "error",
    "A destination written as `[label]` is a reference label put in the URL's place: the link goes "
    "to a page literally named `[label]`. Write `[text][label]` instead.",
    why="The link goes to a page literally named `[label]`, which does not exist.",
    good="[Aspose.Words][words]",
    bad="[Aspose.Words]([words])",
)
def bracketed_url(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for link in ctx.doc.links:
        url = link.url.strip()
        if link.kind == "inline" and len(url) > 2 and url[0] == "[" and url[-1] == "]":
            yield Finding(
                f"Link destination '{url[:80]}' looks like a reference label",
                link.line,
                link.column,
                suggestion=f"Write [{link.text}]{url}",
            )


@rule(
    "LK007",
    "link-relative-unresolved",
    "links",
    "warning",
    "A relative link written as a file path (`./x.md`, `../images/a.png`, `page.md`) must point at a "
    "file of the docs set. Checked only when the set is known (e.g. `tbcv check` over a folder).",
    why="A relative link to a missing file is a 404 for every reader.",
    good="[Install](../installation/_index.md)",
    bad="[Install](../instalation/_index.md)",
)
def relative_unresolved(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    docs = ctx.memo.get(DOCS_MEMO)
    path = ctx.doc.path
    if not docs or not path:
        return
    folder = posixpath.dirname(path.replace("\\", "/"))
    for link in ctx.doc.links:
        target = _relative_file_target(link)
        if target is None:
            continue
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if not _resolves(resolved, docs):
            yield Finding(f"Relative link target '{target[:80]}' is not in the docs set", link.line, link.column)


def _relative_file_target(link: Link) -> str | None:
    url = link.url.strip()
    if not url or link.kind == "autolink" or _SCHEME.match(url) or url.startswith(("#", "/", "//")):
        return None
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    if path.startswith(("./", "../")) or path.endswith(".md"):
        return path
    return None


def _resolves(resolved: str, docs: frozenset[str] | set[str]) -> bool:
    stripped = resolved.rstrip("/")
    return (
        stripped in docs
        or f"{stripped}.md" in docs
        or f"{stripped}/_index.md" in docs
        or f"{stripped}/index.md" in docs
    )
