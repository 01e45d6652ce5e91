"""The CLI opens http(s) URLs only: the API's (TBCV_API_URL) and an export's pre-signed
download URL, which the server supplies. urllib would open file: and ftp: URLs too."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import typer

from tbcv_cli.client import ClientError, McpClient, http_url
from tbcv_cli.commands.export import _write

SECRET = "a local file the server must not make the CLI read"


@pytest.fixture
def local_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def server():
    """A local HTTP server answering every GET with one CSV export."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"validation_id,outcome\nabc,pass\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _export(url: str) -> dict:
    return {"content": None, "url": url, "format": "csv", "size": 30}


@pytest.mark.parametrize("scheme", ["http", "https", "HTTPS"])
def test_http_and_https_urls_pass(scheme):
    url = f"{scheme}://example.test/exports/v.csv?X-Amz-Signature=abc"
    assert http_url(url, "the URL") == url


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.test/x", "data:,secret", "/etc/passwd", ""])
def test_other_schemes_are_refused_naming_the_url(url):
    with pytest.raises(ClientError) as refused:
        http_url(url, "the export's download URL")
    assert "the export's download URL must be an http:// or https:// URL" in str(refused.value)
    assert repr(url) in str(refused.value)


def test_an_export_with_a_file_url_is_refused_and_the_file_not_read(local_file, tmp_path, capsys):
    output = tmp_path / "out.csv"
    with pytest.raises(typer.Exit) as exited:
        _write(_export(local_file.as_uri()), output)
    assert exited.value.exit_code == 2
    assert "must be an http:// or https:// URL" in capsys.readouterr().err
    assert not output.exists()


def test_an_export_with_an_http_url_is_downloaded(server, tmp_path):
    output = tmp_path / "out.csv"
    _write(_export(f"{server}/exports/v.csv"), output)
    assert output.read_text() == "validation_id,outcome\nabc,pass\n"


def test_a_file_api_url_is_refused_before_any_request(local_file):
    client = McpClient(local_file.parent.as_uri(), token="t")
    with pytest.raises(ClientError, match="TBCV_API_URL must be an http:// or https:// URL"):
        client.call("get_status")
