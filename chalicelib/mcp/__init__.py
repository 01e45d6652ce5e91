"""The MCP endpoint: every catalogue operation as a tool (`tools`), served statelessly
over Streamable HTTP by a small hand-written dispatcher (`server`). Imported on the first
/mcp request only, so the rest of the API does not pay for mcp_types at cold start."""
