"""`aggqlint lsp`: the language server. Only server.py and the modules it wires need pygls and
lsprotocol (the `lsp` extra); the core never imports this package."""
