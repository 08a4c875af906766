"""The `frameline` command's groups, one module per area, each with `register(app)`."""
