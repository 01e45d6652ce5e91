"""Link rules LK001-LK007: destinations of links, images, bare URLs and reference definitions."""

from rule_findings import findings, fixed

from chalicelib.engine.rules.links import DOCS_MEMO


def test_lk001_fires_on_an_image_without_url():
    assert findings("LK001", "See the dialog:\n\n![Save dialog]()\n")[0].line == 3


def test_lk001_fires_on_a_reference_definition_without_url():
    assert len(findings("LK001", "See [the guide][guide].\n\n[guide]: <>\n")) == 1


def test_lk001_leaves_empty_link_urls_to_md042():
    assert findings("LK001", "See [the guide]() and ![dialog](dialog.png).\n") == []


def test_lk002_fires_on_spaces_in_a_url_and_fixes_them():
    text = "Read the [user guide](<docs/user guide.md>).\n"
    assert findings("LK002", text)[0].message == "URL contains spaces: 'docs/user guide.md'"
    assert fixed("LK002", text) == "Read the [user guide](<docs/user%20guide.md>).\n"


def test_lk002_is_quiet_on_an_encoded_url():
    assert findings("LK002", "Read the [user guide](docs/user%20guide.md).\n") == []


def test_lk003_fires_on_a_localhost_link():
    assert findings("LK003", "Open [the app](http://localhost:8080/StrutsbookApp/).\n")[0].column == 6


def test_lk003_fires_on_a_loopback_bare_url():
    assert len(findings("LK003", "Open http://127.0.0.1:8080/JavaBridge in a browser.\n")) == 1


def test_lk003_is_quiet_on_a_host_that_merely_contains_localhost():
    assert findings("LK003", "See [notes](https://localhost-tips.example.org/).\n") == []


def test_lk004_fires_on_example_com():
    assert "placeholder site" in findings("LK004", "Download it [here](https://www.example.com/download).\n")[0].message


def test_lk004_fires_on_a_todo_destination():
    assert len(findings("LK004", "See [the API](TODO).\n")) == 1


def test_lk004_is_quiet_on_real_sites_with_example_in_the_path():
    assert findings("LK004", "See [examples](https://github.com/aspose-words/Aspose.Words-for-Java/examples).\n") == []


def test_lk005_fires_on_javascript_links():
    assert findings("LK005", "[Run](javascript:alert(1))\n")[0].message == "Link scheme 'javascript:' is not allowed"


def test_lk005_fires_on_a_windows_file_path():
    assert "local file path" in findings("LK005", "[Doc](C:/Docs/a.docx)\n")[0].message


def test_lk005_is_quiet_on_web_mail_and_relative_links():
    assert findings("LK005", "[a](https://aspose.com) [b](mailto:s@aspose.com) [c](../page/) [d](#load)\n") == []


def test_lk006_fires_on_a_reference_label_written_as_the_url():
    assert findings("LK006", "See [Aspose.Words]([words]).\n")[0].suggestion == "Write [Aspose.Words][words]"


def test_lk006_is_quiet_on_a_proper_reference_link():
    assert findings("LK006", "See [Aspose.Words][words].\n\n[words]: https://products.aspose.com/words/\n") == []


DOCS = frozenset({"docs/guide/install.md", "docs/guide/_index.md", "docs/images/a.png", "docs/page.md"})


def test_lk007_fires_on_a_relative_link_missing_from_the_docs_set():
    result = findings("LK007", "See [install](guide/instal.md).\n", path="docs/page.md", memo={DOCS_MEMO: DOCS})
    assert result[0].message == "Relative link target 'guide/instal.md' is not in the docs set"


def test_lk007_resolves_files_folders_and_fragments_against_the_set():
    text = "[a](guide/install.md#linux) [b](./guide/) [c](images/a.png) [d](../docs/page.md)\n"
    assert findings("LK007", text, path="docs/page.md", memo={DOCS_MEMO: DOCS}) == []


def test_lk007_is_quiet_when_the_docs_set_is_unknown():
    assert findings("LK007", "See [install](guide/instal.md).\n", path="docs/page.md") == []


def test_lk007_leaves_hugo_pretty_urls_alone():
    assert findings("LK007", "See [install](install-on-linux/).\n", path="docs/page.md", memo={DOCS_MEMO: DOCS}) == []


def test_applying_the_url_spaces_fix_removes_the_issue():
    text = "Read the [user guide](<docs/user guide.md>).\n"
    assert findings("LK002", fixed("LK002", text)) == []
