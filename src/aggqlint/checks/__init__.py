"""The compatibility rules: one module per family, each check a registered unit
(`rules.registry`) taking the RuleContext, or for document rules the whole document.

What several rules need (the model's fields, the zone, the bucket size, the spans read from
the interval and windows) is worked out once per context, on first use, and shared.
"""
