"""Typed fixes: what a check proposes (by JSON pointer), written as text edits in the file's
own style, and the fragments the invented-shape rules offer."""
