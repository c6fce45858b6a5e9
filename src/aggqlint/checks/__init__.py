"""The compatibility rules: one module per family, each check a registered unit
(`checks.registry`) taking the RuleContext (`checks.context`), or for document rules the whole
document. This package's own import is empty on purpose: a run served from the result cache
(`checks.cache`) loads no rule, schema or time arithmetic.
"""
