"""The `tbcv` command: `tbcv check` validates local files offline with the engine; the other
command groups talk to a running TBCV through its MCP endpoint."""
