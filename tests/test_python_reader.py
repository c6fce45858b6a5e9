"""The Python reader (loading/python.py, python_source.py): which code shapes give a query
body, where each finding lands in the code, and what is never guessed. Each snippet is
checked as `aggqlint check snippet.py` checks it."""

from __future__ import annotations

from pathlib import Path

from conftest import check, run_aggqlint

from aggqlint.checks.engine import lint_text
from aggqlint.loading.python_source import parse_python

URL = "https://api.mypurecloud.com/api/v2/analytics/conversations/aggregates/query"
INTERVAL = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"


def _py(text: str, *expected: tuple[int, int, str]) -> list[str]:
    found = check(text, *expected, filename="snippet.py")
    return [d.message for d in found]


def test_a_dict_sent_inline_with_requests() -> None:
    _py(
        f"""\
        import requests
        requests.post("{URL}", json={{"interval": "{INTERVAL}", "metrics": ["handleTime"]}})
        """,
        (2, 169, "AQL201"),
    )


def test_requests_request_with_the_method_first_and_a_session() -> None:
    _py(
        f"""\
        import requests
        s = requests.Session()
        s.request("POST", "{URL}", json={{"interval": "PT1H", "metrics": ["nOffered"]}})
        """,
        (3, 116, "AQL101"),
    )


def test_dict_built_by_dict_call_and_keys_set_later() -> None:
    _py(
        f"""\
        import requests
        body = dict(metrics=["nOffered"])
        body["interval"] = "{INTERVAL}"
        body["groupBys"] = ["queueId"]
        requests.post("{URL}", json=body)
        """,
        (4, 6, "AQL602"),
    )


def test_a_spread_dict_is_not_called_incomplete() -> None:
    # **defaults may hold the interval: the missing one is not reported, the rest is checked.
    _py(
        f"""\
        import requests
        def send(defaults):
            body = {{**defaults, "metrics": ["nOfered"]}}
            requests.post("{URL}", json=body)
        """,
        (3, 37, "AQL201"),
    )


def test_a_get_or_a_url_elsewhere_is_not_a_query() -> None:
    _py(
        """\
        import requests
        requests.post("https://api.mypurecloud.com/api/v2/users/search", json={"groupBys": 1})
        requests.get("https://api.mypurecloud.com/api/v2/analytics/reporting/settings")
        """
    )


def test_a_url_without_query_is_reported_at_the_url_and_checked_as_the_query() -> None:
    messages = _py(
        f"""\
        import requests
        requests.post("{URL.removesuffix("/query")}", json={{"interval": "PT1H", "metrics": []}})
        """,
        (2, 15, "AQL021"),
        (2, 106, "AQL101"),
        (2, 125, "AQL501"),
    )
    assert "lacks the trailing '/query'" in messages[0]


def test_sdk_model_built_by_attributes_with_a_nested_filter() -> None:
    _py(
        f"""\
        from PureCloudPlatformClientV2 import ConversationAggregationQuery
        from PureCloudPlatformClientV2 import ConversationAggregateQueryFilter
        query = ConversationAggregationQuery()
        query.interval = "{INTERVAL}"
        query.metrics = ["nOffered"]
        query.filter = ConversationAggregateQueryFilter()
        query.filter.type = "AND_ALSO"
        """,
        (6, 16, "AQL302"),
        (7, 21, "AQL206"),
    )


def test_a_predicate_built_on_its_own_then_put_in_a_filter() -> None:
    _py(
        f"""\
        import PureCloudPlatformClientV2 as gc
        def build():
            p = gc.ConversationAggregateQueryPredicate()
            p.dimension = "queue"
            p.value = "x"
            f = gc.ConversationAggregateQueryFilter()
            f.type = "and"
            f.predicates = [p]
            q = gc.ConversationAggregationQuery()
            q.interval = "{INTERVAL}"
            q.metrics = ["nOffered"]
            q.filter = f
            return q
        """,
        (4, 19, "AQL202"),
    )


def test_camel_case_attribute_names_the_snake_case_one_and_is_left_out() -> None:
    messages = _py(
        f"""\
        from PureCloudPlatformClientV2 import ConversationAggregationQuery
        query = ConversationAggregationQuery()
        query.interval = "{INTERVAL}"
        query.metrics = ["nOffered"]
        query.groupBy = ["not-a-dimension"]
        """,
        (5, 7, "AQL802"),
    )
    assert "the SDK's attribute for 'groupBy' is 'group_by' (snake_case)" in messages[0]


def test_the_one_attribute_not_in_snake_case() -> None:
    # `property` would shadow Python's builtin: the SDK calls it pcProperty.
    messages = _py(
        """\
        from PureCloudPlatformClientV2 import SegmentDetailQueryPredicate
        from PureCloudPlatformClientV2 import ConversationQuery
        p = SegmentDetailQueryPredicate()
        p.type = "property"
        p.property = "custom.label"
        p.value = "gold"
        q = ConversationQuery()
        q.interval = "2026-10-01T00:00:00Z/2026-10-01T01:00:00Z"
        q.segment_filters = [{"type": "and", "predicates": [p]}]
        """,
        (3, 5, "AQL305"),  # the property the SDK left out is the predicate's subject
        (5, 3, "AQL802"),
    )
    assert messages[1].endswith("the SDK's attribute for 'property' is 'pcProperty'")


def test_keyword_constructor_gives_the_attribute_style_fix() -> None:
    found = check(
        f"""\
        from PureCloudPlatformClientV2 import ConversationAggregationQuery
        query = ConversationAggregationQuery(interval="{INTERVAL}", metrics=["nOffered"])
        """,
        (2, 9, "AQL801"),
        filename="snippet.py",
    )
    assert found[0].suggestion == (
        "query = ConversationAggregationQuery()\n"
        f"query.interval = '{INTERVAL}'\n"
        "query.metrics = ['nOffered']"
    )


def test_unknown_class_from_a_module_alias_and_unknown_method() -> None:
    messages = _py(
        """\
        import PureCloudPlatformClientV2 as gc
        api = gc.AnalyticsApi()
        q = gc.ConversationDetailsQuery()
        q.interval = "2026-10-01T00:00:00Z/2026-10-01T01:00:00Z"
        api.post_analytics_conversation_details_query(q)
        """,
        (3, 8, "AQL803"),
        (5, 5, "AQL804"),
    )
    assert "is 'ConversationQuery'" in messages[0]
    assert "did you mean 'post_analytics_conversations_details_query'" in messages[1]


def test_extra_method_argument() -> None:
    _py(
        """\
        from PureCloudPlatformClientV2 import AnalyticsApi
        AnalyticsApi().post_analytics_users_details_query(
            body={"interval": "2026-10-01T00:00:00Z/2026-10-01T01:00:00Z"}, page_size=10
        )
        """,
        (2, 16, "AQL805"),
    )


def test_computed_values_are_skipped_once_per_body_never_guessed() -> None:
    messages = _py(
        f"""\
        import requests
        def send(start, end, names):
            body = {{
                "interval": f"{{start}}/{{end}}",
                "groupBy": names,
                "metrics": ["nOffered", *names],
            }}
            requests.post("{URL}", json=body)
        """,
        (4, 21, "AQL807"),
    )
    assert "3 value(s)" in messages[0] and "(interval, groupBy, metrics)" in messages[0]


def test_a_file_that_is_not_python_is_a_warning_and_one_without_analytics_is_not_read() -> None:
    _py("def broken(:\n    '/api/v2/analytics/'\n", (1, 12, "AQL806"))
    _py("def broken(:\n    pass\n")


def test_fixes_in_python_are_advice_never_edits() -> None:
    found = lint_text(
        f'import requests\nrequests.post("{URL}", json={{"interval": "{INTERVAL}", '
        '"metrics": ["nOffered"], "groupBys": ["queueId"]})\n',
        "x.py",
    )
    assert [d.code for d in found] == ["AQL602"]
    assert found[0].fix is not None and found[0].fix.edits == ()


def test_positions_count_characters_not_bytes() -> None:
    source = parse_python(
        f'import requests\nx = "é"; requests.post("{URL}", json={{"metrics": ["zz"]}})\n', "x.py"
    )
    (document,) = source.documents
    line = source.text.splitlines()[1]
    assert document.positions.span("/metrics/0").column == line.index('"zz"') + 1 == 121


def test_include_python_walks_python_files(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(
        f'import requests\nrequests.post("{URL}", json={{"interval": "PT1H"}})\n', "utf-8"
    )
    (tmp_path / "report.yaml").write_text(
        f"report: daily\nendpoint: conversations/aggregates\n"
        f"query: {{interval: {INTERVAL}, metrics: [nOffered]}}\n",
        "utf-8",
    )
    plain = run_aggqlint("check", str(tmp_path))
    assert plain.returncode == 0, plain.stdout
    walked = run_aggqlint("check", "--include-python", str(tmp_path))
    assert walked.returncode == 1
    assert "job.py:2:" in walked.stdout and "AQL101" in walked.stdout


def test_code_nested_too_deeply_is_a_warning_not_a_crash() -> None:
    brackets = "[" * 5000 + "]" * 5000  # Python's own parser refuses it
    found = lint_text(f'import requests\nrequests.post("{URL}", json={brackets})\n', "x.py")
    assert [(d.location.line, d.code) for d in found] == [(2, "AQL806")]
    assert "not valid Python" in found[0].message
    # Valid Python whose tree is deeper than the reader's recursion can follow.
    chain = "+".join(['"a"'] * 50000)
    found = lint_text(f"import PureCloudPlatformClientV2 as gc\nq.interval = {chain}\n", "x.py")
    assert [(d.location.line, d.code, d.message) for d in found] == [
        (1, "AQL806", "the code is nested too deeply to read")
    ]


def test_keyword_constructor_fix_uses_the_real_class_and_the_meant_attributes() -> None:
    seed = Path(__file__).parent / "data" / "python" / "seeds"
    found = lint_text((seed / "sdk_aggregates_invented_class.py").read_text("utf-8"), "s.py")
    (fix,) = [d.suggestion for d in found if d.code == "AQL801"]
    assert fix == (
        "request = ConversationAggregationQuery()\n"
        "# request.date_range: ConversationAggregationQuery has no such attribute\n"
        "request.interval = 'PT1H'\n"
        "request.group_by = ['queue']\n"
        "request.metrics = ['offerCount', 'handledCount', 'handleTime']"
    )


def test_a_star_import_and_a_model_kept_on_self() -> None:
    _py(
        """\
        from PureCloudPlatformClientV2 import *

        class Report:
            def __init__(self, api):
                self.api = api
                self.query = UserAggregationQuery()
                self.query.interval = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
                self.query.metrics = ["tAgentRoutingStatus", "tOnQueue"]

            def run(self):
                return self.api.post_analytics_users_aggregates_query(self.query)
        """,
        (8, 54, "AQL201"),
    )


def test_del_removes_a_key_and_lower_case_sdk_imports_are_modules() -> None:
    _py(
        f"""\
        import requests
        from PureCloudPlatformClientV2 import configuration, api_client, WebDeploymentConfig
        body = {{"interval": "{INTERVAL}", "metrics": ["nOffered"], "groupBys": ["queueId"]}}
        del body["groupBys"]
        requests.post("{URL}", json=body)
        """
    )


def test_every_query_endpoints_sdk_method_is_known_by_its_path_name() -> None:
    from aggqlint.api import sdk
    from aggqlint.api.endpoints import all_endpoints

    for endpoint in all_endpoints().values():
        name = "post_" + endpoint.path.removeprefix("/api/v2/").replace("/", "_")
        method = sdk.method(name)
        assert method is not None and method.endpoint == endpoint, name


def test_a_body_sent_to_a_url_built_at_run_time_is_not_guessed() -> None:
    _py(
        """\
        import requests
        def send(kind):
            body = {"interval": "PT1H", "metrics": ["nOffered"]}
            requests.post(f"https://x/api/v2/analytics/{kind}/aggregates/query", json=body)
        """
    )


def test_other_analytics_endpoints_with_a_body_are_left_alone_typos_are_not() -> None:
    messages = _py(
        """\
        import requests
        requests.post("https://x/api/v2/analytics/reporting/exports", json={"name": "x"})
        requests.post("https://x/api/v2/analytics/conversation/aggregates/query", json={})
        """,
        (3, 15, "AQL020"),
    )
    assert "conversations/aggregates" in messages[0]


def test_suppression_comments_work_in_python() -> None:
    _py(
        f"""\
        import requests
        body = {{
            "interval": "{INTERVAL}",
            # aggqlint: disable=AQL201 -- newer than the facts
            "metrics": ["nOffered", "tNewMetric"],
            "groupBy": ["queueId"],  # aggqlint: disable=AQL202
            "note": "# aggqlint: disable=AQL200 is text in a string, not a comment",
        }}
        requests.post("{URL}", json=body)
        """,
        (6, 30, "AQL007"),
        (7, 5, "AQL200"),
    )


def test_a_name_a_loop_rebinds_is_not_read_as_its_first_value() -> None:
    messages = _py(
        f"""\
        import PureCloudPlatformClientV2 as gc
        def pages(api):
            body = gc.ConversationQuery()
            body.interval = "{INTERVAL}"
            body.paging = gc.PagingSpec()
            body.paging.page_size = 100
            page = 1
            while True:
                body.paging.page_number = page
                api.post_analytics_conversations_details_query(body)
                page += 1
        """,
        (9, 35, "AQL807"),
    )
    assert "(paging.pageNumber)" in messages[0]


def test_append_to_an_attribute_not_set_here_leaves_the_object_open() -> None:
    # body.user_filters is None in the SDK unless set elsewhere: what the code does to the
    # object is not followed, so nothing in it (the interval either) is called missing.
    _py(
        """\
        import PureCloudPlatformClientV2 as gc
        def q(extra):
            body = gc.UserDetailsQuery()
            body.user_filters.append(extra)
            return body
        """
    )


def test_an_unknown_analytics_method_of_code_without_the_sdk_is_another_librarys() -> None:
    _py(
        """\
        from tracking import Client  # analytics for another product
        Client().post_analytics_events({"event": "signup"})
        """
    )


def test_a_helper_that_returns_the_body_is_read_with_its_parameters_unknown() -> None:
    messages = _py(
        f"""\
        import requests

        def hourly_body(start, end, queues):
            return {{
                "interval": f"{{start}}/{{end}}",
                "granularity": "PT1H",
                "groupBy": ["queueId"],
                "metrics": ["nOffered", "tHandled"],
                "filter": {{"type": "or", "predicates": queues}},
            }}

        def send(day, queues):
            return requests.post("{URL}", json=hourly_body(day, day, queues))

        def send_again(day):
            return requests.post("{URL}", json=hourly_body(day, day, []))
        """,
        (5, 21, "AQL807"),
        (8, 33, "AQL201"),
    )
    assert "(interval, filter.predicates)" in messages[0]
    assert "did you mean 'tHandle'?" in messages[1]


def test_urls_built_with_format_or_urljoin() -> None:
    _py(
        """\
        from urllib.parse import urljoin
        import requests
        def send(base):
            requests.post("{}/api/v2/analytics/users/aggregates/query".format(base),
                          json={"interval": "PT1H", "metrics": ["tAgentRoutingStatus"]})
            requests.post(urljoin(base, "/api/v2/analytics/queues/observations/query"),
                          json={"metrics": ["oWaitingg"]})
        """,
        (5, 37, "AQL101"),
        (7, 24, "AQL203"),  # an observation query needs its filter
        (7, 37, "AQL201"),
    )


def test_objects_a_loop_fills_are_not_called_incomplete() -> None:
    _py(
        f"""\
        import PureCloudPlatformClientV2 as gc
        from PureCloudPlatformClientV2 import ConversationAggregateQueryPredicate as Pred
        def build(queues):
            preds = [Pred(), Pred()]
            for p, q in zip(preds, queues):
                p.dimension = "queueId"
                p.value = q
            query = gc.ConversationAggregationQuery()
            query.interval = "{INTERVAL}"
            query.metrics = ["nOffered"]
            query.filter = gc.ConversationAggregateQueryFilter()
            query.filter.type = "or"
            query.filter.predicates = preds
            return query
        """
    )


def test_strings_built_only_from_literals_are_literals() -> None:
    _py(
        f"""\
        import requests
        START, END = "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z"
        body = {{"interval": f"{{START}}/{{END}}", "granularity": "PT" + "1D", "metrics": []}}
        requests.post("{URL}", json=body)
        """,
        (3, 54, "AQL110"),
        (3, 78, "AQL501"),  # the interval, from two literals, is read and fine
    )


def test_social_media_analytics_methods_are_another_apis() -> None:
    _py(
        """\
        import PureCloudPlatformClientV2 as gc
        gc.SocialMediaApi().post_socialmedia_analytics_aggregates_jobs({"interval": "x"})
        """
    )


def test_a_real_sdk_class_that_is_no_query_is_never_read_as_its_nearest_query() -> None:
    _py(
        """\
        import PureCloudPlatformClientV2 as gc
        api = gc.AnalyticsApi()
        job = gc.ReportingExportJobRequest()
        job.name = "weekly"
        job.interval = "last week"
        api.post_analytics_reporting_exports(job)
        """
    )


def test_a_query_model_sent_with_another_querys_method() -> None:
    messages = _py(
        f"""\
        import PureCloudPlatformClientV2 as gc
        query = gc.ConversationQuery()
        query.interval = "{INTERVAL}"
        query.order_by = "conversationStart"
        gc.AnalyticsApi().post_analytics_conversations_aggregates_query(query)
        """,
        (2, 9, "AQL203"),  # the aggregates query's metrics
        (4, 7, "AQL200"),
        (5, 65, "AQL805"),
    )
    assert (
        "takes a ConversationAggregationQuery as its body, not a ConversationQuery" in (messages[2])
    )


def test_lines_are_pythons_and_the_declared_encoding_is_read(tmp_path: Path) -> None:
    text = (
        "# -*- coding: latin-1 -*-\n\x0cimport requests\n"
        f'requests.post("{URL}", json={{"metrics": ["é"]}})\n'
    )
    path = tmp_path / "old.py"
    path.write_bytes(text.encode("latin-1"))
    found = run_aggqlint("check", str(path))
    assert f"{path}:3:" in found.stdout and "AQL201" in found.stdout, found.stdout


def test_a_filter_shared_by_two_queries_is_reported_once() -> None:
    _py(
        f"""\
        import PureCloudPlatformClientV2 as gc
        def run(api):
            voice = gc.ConversationAggregateQueryPredicate()
            voice.dimension = "mediatype"
            voice.value = "voice"
            only_voice = gc.ConversationAggregateQueryFilter()
            only_voice.type = "and"
            only_voice.predicates = [voice]
            for metric in ("nOffered", "tHandle"):
                query = gc.ConversationAggregationQuery()
                query.interval = "{INTERVAL}"
                query.metrics = ["nOffered"]
                query.filter = only_voice
                api.post_analytics_conversations_aggregates_query(query)
            queued = gc.ConversationAggregationQuery()
            queued.interval = "{INTERVAL}"
            queued.metrics = ["nOffered"]
            queued.filter = only_voice
            api.post_analytics_conversations_aggregates_query(queued)
        """,
        (4, 23, "AQL207"),
    )
