"""markdownlint's other names for its rules (markdownlint 0.40 `lib/rules.mjs`), which its
configuration and inline comments accept beside the id and first alias: second aliases, and
tags that name a group of rules (`"whitespace": false` switches nine rules off)."""

SECOND_ALIASES = {"single-h1": "MD025", "first-line-h1": "MD041"}

TAGS = {
    "headings": (
        "MD001",
        "MD003",
        "MD018",
        "MD019",
        "MD020",
        "MD021",
        "MD022",
        "MD023",
        "MD024",
        "MD025",
        "MD026",
        "MD036",
        "MD041",
        "MD043",
    ),
    "bullet": ("MD004", "MD005", "MD007", "MD032"),
    "ul": ("MD004", "MD005", "MD007", "MD030", "MD032"),
    "indentation": ("MD005", "MD007", "MD027"),
    "whitespace": ("MD009", "MD010", "MD012", "MD027", "MD028", "MD030", "MD037", "MD038", "MD039"),
    "hard_tab": ("MD010",),
    "links": ("MD011", "MD034", "MD039", "MD042", "MD051", "MD052", "MD053", "MD054", "MD059"),
    "blank_lines": ("MD012", "MD022", "MD031", "MD032", "MD047"),
    "line_length": ("MD013",),
    "code": ("MD014", "MD031", "MD038", "MD040", "MD046", "MD048"),
    "atx": ("MD018", "MD019"),
    "spaces": ("MD018", "MD019", "MD020", "MD021", "MD023"),
    "atx_closed": ("MD020", "MD021"),
    "blockquote": ("MD027", "MD028"),
    "ol": ("MD029", "MD030", "MD032"),
    "html": ("MD033",),
    "url": ("MD034",),
    "hr": ("MD035",),
    "emphasis": ("MD036", "MD037", "MD049", "MD050"),
    "language": ("MD040",),
    "spelling": ("MD044",),
    "accessibility": ("MD045", "MD059"),
    "images": ("MD045", "MD052", "MD053", "MD054"),
    "table": ("MD055", "MD056", "MD058", "MD060"),
}
