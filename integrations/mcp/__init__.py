"""Frameline as an MCP server: the agent's tools for other assistants (Claude Desktop, IDE agents).

`frameline mcp` speaks MCP over stdio as person `local` (admin unless `--as`); `serve` mounts the
same server at `/mcp` over streamable HTTP, where each request's Bearer key says who acts.
"""
