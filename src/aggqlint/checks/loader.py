"""Codes the loader and the engine report themselves, declared so the registry knows every code:
reading a file (source, jsonsyntax), suppression comments, a rule that failed, endpoint
resolution (definition, endpoints) and reports defined twice (lint)."""

from __future__ import annotations

from aggqlint.checks.registry import declare

declare("AQL001", "AQL002", "AQL004", "AQL005", "AQL006", "AQL008", "AQL010", "AQL012")
declare("AQL007", "AQL011")  # suppress
declare("AQL009")  # the engine: a rule that failed
declare("AQL020", "AQL021", "AQL022", "AQL023", "AQL024")  # definition / endpoints
declare("AQL026")  # lint: a report name used twice
declare("AQL801", "AQL802", "AQL803", "AQL804", "AQL805", "AQL806", "AQL807")  # python code
