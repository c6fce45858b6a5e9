"""Reading: bytes to documents with positions, documents to report definitions, and which
files a run reads."""
