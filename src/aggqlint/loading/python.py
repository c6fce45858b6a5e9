"""Query bodies in Python code, found by reading it (the `ast` module; nothing is imported or
run): dict literals sent with requests to an analytics query URL, and the official SDK's
model objects built by attribute assignment and sent with an AnalyticsApi method.

Each function (and the module's own code) is read statement by statement, in order; a name
stands for what was last bound to it. Model objects are shared, so a predicate built on its
own and then put in a filter is the same object in both places. Loops and branches are read
once, in order, as written; anything not a literal is Unknown and is never guessed."""

from __future__ import annotations

import ast
import re

from msgspec import Struct, field

from aggqlint.api import sdk
from aggqlint.api.endpoints import Endpoint, EndpointError, resolve_endpoint
from aggqlint.diagnostics import Finding
from aggqlint.loading import python_findings as findings
from aggqlint.loading import python_shapes as shapes
from aggqlint.loading.python_values import (
    Attribute,
    DictEntry,
    DictValue,
    ListValue,
    Literal,
    ModelObject,
    Unknown,
    Value,
    contains,
    mark_nested,
    open_entries,
    string_text,
)

# A file is read only when it mentions the analytics API or the SDK: most Python files do not.
MENTIONS = re.compile(r"analytics|PureCloudPlatformClientV2", re.IGNORECASE)
_ANALYTICS_PATH = re.compile(r"/api/v2/analytics/[A-Za-z0-9_/{}.-]*")
_HTTP_SENDS = frozenset({"post", "put", "request"})
_GROWING = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "clear"})


class PythonBody(Struct):
    value: DictValue | ModelObject
    endpoint: Endpoint | None  # from the SDK method, the URL or the model class
    model: str | None  # the request model the body's attributes are read with


class PythonReading(Struct):
    bodies: list[PythonBody] = field(default_factory=list)
    # Findings about the Python itself (classes, methods, arguments), at a node of the code.
    findings: list[tuple[Finding, ast.AST]] = field(default_factory=list)


def read_python(tree: ast.Module) -> PythonReading:
    reader = _Reader()
    reader.read_imports(tree)
    reader.helpers = {
        f.name: f for f in tree.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    reader.read_block(tree.body, reader.module_scope)
    for function in shapes.functions(tree):
        reader.read_function(function)
    reader.add_unsent_models()
    return reader.reading


class _Reader:
    def __init__(self) -> None:
        self.reading = PythonReading()
        self.sdk_names: dict[str, str] = {}  # local name -> SDK class, from imports
        self.sdk_modules: set[str] = set()  # local names of the SDK package or its models
        self.models: list[ModelObject] = []
        self.built: dict[int, Value] = {}  # a constructor call read once, whatever the path
        self.sent: dict[tuple[int, str | None], PythonBody] = {}
        self.reported: set[int] = set()
        self.star = False  # `from PureCloudPlatformClientV2 import *`
        self.module_scope: dict[str, Value] = {}
        # Module-level functions, read once each (at their first call, or after the module):
        # a call to one stands for what it returns, read with its parameters unknown.
        self.helpers: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.read_functions: set[int] = set()
        self.returns: dict[int, Value] = {}
        self.current: list[int] = []  # the functions being read, innermost last

    # -- imports ---------------------------------------------------------------------------

    def read_imports(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == sdk.PACKAGE:
                        self.sdk_modules.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom) and _is_sdk_module(node.module):
                for alias in node.names:
                    if alias.name == "*":
                        self.star = True
                        continue
                    self.sdk_names[alias.asname or alias.name] = alias.name
                    if node.module in {sdk.PACKAGE, f"{sdk.PACKAGE}.models"}:
                        self._check_exported(alias.name, alias)

    def _check_exported(self, name: str, where: ast.AST) -> None:
        # Only a class name near an analytics model is judged: a lower-case name is a module
        # or function, and a class far from them may be one a newer SDK release added.
        if sdk.is_exported(name) or not name[:1].isupper() or not sdk.nearest_model(name):
            return
        self.report(findings.unknown_class(name), where)

    def report(self, finding: Finding, where: ast.AST) -> None:
        key = hash((finding.code, finding.message, id(where)))
        if key not in self.reported:
            self.reported.add(key)
            self.reading.findings.append((finding, where))

    # -- statements -------------------------------------------------------------------------

    def read_function(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if id(function) in self.read_functions:
            return
        self.read_functions.add(id(function))
        self.current.append(id(function))
        try:
            self.read_block(function.body, {}, self.module_scope)
        finally:
            self.current.pop()

    def _call_text(self, node: ast.Call, env: _Env) -> str | None:
        """The text a URL-building call keeps: `"{}/api/v2/...".format(base)` and
        `urljoin(base, "/api/v2/...")` (for finding the endpoint, never a body value)."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return string_text(self.evaluate(func.value, env))
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "urljoin" and len(node.args) == 2:
            return string_text(self.evaluate(node.args[1], env))
        return None

    def _returned(self, node: ast.Call, env: _Env) -> Value:
        """What a call to a module-level function returns (read with its parameters
        unknown, the same value for every call), or Unknown."""
        function = self.helpers.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if function is None or id(function) in self.current:
            return Unknown(node)
        if env.get(function.name) is not None:
            return Unknown(node)  # the name is bound to something else here
        self.read_function(function)
        return self.returns.get(id(function)) or Unknown(node)

    def read_block(
        self,
        statements: list[ast.stmt],
        scope: dict[str, Value],
        outer: dict[str, Value] | None = None,
    ) -> None:
        for statement in statements:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue  # read on their own
            self._read_statement(statement, scope, outer)

    def _read_statement(
        self, statement: ast.stmt, scope: dict[str, Value], outer: dict[str, Value] | None
    ) -> None:
        env = _Env(scope, outer)
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            named = [t.id for t in statement.targets if isinstance(t, ast.Name)]
            if named:
                env.targets[id(statement.value)] = named[0]
        for call in shapes.calls(statement):
            self._read_call(call, env)
        if isinstance(statement, ast.Assign):
            pairs = shapes.unpacked(statement)
            if pairs:  # a, b = A(), B()
                for target, item in pairs:
                    self._bind(target, self.evaluate(item, env), env)
                return
            value = self.evaluate(statement.value, env)
            for target in statement.targets:
                self._bind(target, value, env)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            self._bind(statement.target, self.evaluate(statement.value, env), env)
        elif isinstance(statement, ast.Return) and self.current and statement.value is not None:
            returned = self.evaluate(statement.value, env)
            earlier = self.returns.get(self.current[-1])
            # Two returns of different things: which one a call gets is not known.
            self.returns[self.current[-1]] = (
                returned if earlier is None or earlier is returned else Unknown(statement.value)
            )
        elif isinstance(statement, ast.Delete):
            for target in statement.targets:
                self._delete(target, env)
        elif isinstance(statement, ast.AugAssign):
            self._bind(statement.target, Unknown(statement.value), env)
        elif isinstance(statement, ast.For | ast.AsyncFor):
            self._bind(statement.target, Unknown(statement.iter), env)
            if shapes.changes_things(statement):
                # `for p in predicates: p.value = ...`: which entry gets what is the loop's.
                for node in ast.walk(statement.iter):
                    if isinstance(node, ast.Name):
                        open_entries(env.get(node.id))
        elif isinstance(statement, ast.With | ast.AsyncWith):
            for context in statement.items:
                if context.optional_vars is not None:
                    self._bind(context.optional_vars, Unknown(context.context_expr), env)
        if isinstance(statement, ast.For | ast.AsyncFor | ast.While):
            # A name the loop rebinds holds a different value on each pass: where it is read
            # before the pass binds it again (a page counter), it is not one literal.
            head = statement.test if isinstance(statement, ast.While) else statement.iter
            for rebound in shapes.rebound(statement):
                scope[rebound] = Unknown(head)
        for block in shapes.blocks(statement):
            self.read_block(block, scope, outer)

    def _bind(self, target: ast.expr, value: Value, env: _Env) -> None:
        if isinstance(target, ast.Name):
            env.scope[target.id] = value
        elif isinstance(target, ast.Attribute):
            owner = self.evaluate(target.value, env)
            if isinstance(owner, ModelObject):
                self._set(owner, target.attr, target, value)
            elif isinstance(owner, Unknown) and shapes.dotted(target):
                env.scope[shapes.dotted(target) or ""] = value  # self.query = Query()
            else:
                self._touch(target.value, env)
        elif isinstance(target, ast.Subscript):
            owner = self.evaluate(target.value, env)
            key = target.slice
            if isinstance(owner, DictValue):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    owner.entries[key.value] = DictEntry(key, value)
                else:
                    owner.open = True
            elif isinstance(owner, ListValue):
                owner.grown = True
            else:
                self._touch(target.value, env)
        elif isinstance(target, ast.Tuple | ast.List | ast.Starred):
            for element in ast.walk(target):
                if isinstance(element, ast.Name):
                    env.scope[element.id] = Unknown(element)

    def _delete(self, target: ast.expr, env: _Env) -> None:
        """`del body["filter"]`, `del query.filter`: the key or attribute goes."""
        if isinstance(target, ast.Name):
            env.scope.pop(target.id, None)
            return
        if not isinstance(target, ast.Subscript | ast.Attribute):
            return
        owner = self.evaluate(target.value, env)
        key = target.slice if isinstance(target, ast.Subscript) else None
        if (
            isinstance(owner, DictValue)
            and isinstance(key, ast.Constant)
            and key.value in owner.entries
        ):
            del owner.entries[key.value]
        elif isinstance(owner, ModelObject) and isinstance(target, ast.Attribute):
            owner.attributes.pop(target.attr, None)
        else:
            self._touch(target.value, env)

    def _touch(self, node: ast.expr, env: _Env) -> None:
        """Something inside a known object changed in a way not followed (`preds[i].value =`,
        `getattr(q, name).x =`): the outermost known container is no longer all known."""
        while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
            node = node.func if isinstance(node, ast.Call) else node.value
            known = self.evaluate(node, env)
            if isinstance(known, ListValue):
                known.grown = True
            elif isinstance(known, DictValue | ModelObject):
                known.open = True

    def _set(self, owner: ModelObject, name: str, where: ast.AST, value: Value) -> None:
        owner.attributes[name] = Attribute(name, where, value)
        mark_nested(value)

    # -- expressions -----------------------------------------------------------------------

    def evaluate(self, node: ast.expr, env: _Env) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str | int | float | bool) or node.value is None:
                return Literal(node.value, node)
            return Unknown(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = node.operand
            if isinstance(inner, ast.Constant) and isinstance(inner.value, int | float):
                return Literal(-inner.value, node)
        if isinstance(node, ast.Name):
            bound = env.get(node.id)
            if bound is None or isinstance(bound, Unknown):
                return Unknown(node, bound.text if bound else None)  # placed where it is used
            return bound
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.evaluate(e, env) for e in node.elts]
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return Unknown(node)
            for item in items:
                mark_nested(item)
            return ListValue(items, node)
        if isinstance(node, ast.Dict):
            return self._dict(node, env)
        if isinstance(node, ast.Attribute):
            owner = self.evaluate(node.value, env)
            if isinstance(owner, ModelObject) and node.attr in owner.attributes:
                return owner.attributes[node.attr].value
            dotted = shapes.dotted(node)  # self.query: its own name while self is not known
            if not isinstance(owner, ModelObject) and dotted and env.get(dotted):
                return env.get(dotted) or Unknown(node)
            return Unknown(node)
        if isinstance(node, ast.Call):
            return self._call_value(node, env)
        if isinstance(node, ast.Subscript):  # predicates[0], body["filter"]
            owner = self.evaluate(node.value, env)
            key = node.slice.value if isinstance(node.slice, ast.Constant) else None
            if (
                isinstance(owner, ListValue)
                and not owner.grown
                and isinstance(key, int)
                and -len(owner.items) <= key < len(owner.items)
            ):
                return owner.items[key]
            if isinstance(owner, DictValue) and isinstance(key, str) and key in owner.entries:
                return owner.entries[key].value
            return Unknown(node)
        text = shapes.built_text(node, lambda e: self.evaluate(e, env))
        if text is not None and shapes.exact(node, lambda e: self.evaluate(e, env)):
            return Literal(text, node)  # every part a literal string: the value is known
        return Unknown(node, text)

    def _dict(self, node: ast.Dict, env: _Env) -> DictValue:
        value = DictValue({}, node)
        for key, item in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                entry = self.evaluate(item, env)
                mark_nested(entry)
                value.entries[key.value] = DictEntry(key, entry)
            else:  # **spread or a computed key
                value.open = True
        return value

    def _call_value(self, node: ast.Call, env: _Env) -> Value:
        if id(node) in self.built:
            return self.built[id(node)]
        cls = self._sdk_class(node.func)
        value: Value
        # An analytics model, or a class the SDK does not have (AQL803; read as its nearest).
        if cls is not None and (sdk.model_attributes(cls) is not None or not sdk.is_exported(cls)):
            value = self._construct(node, cls, env)
        elif isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
            value = DictValue({}, node)
            for keyword in node.keywords:
                if keyword.arg is None:
                    value.open = True
                else:
                    entry = self.evaluate(keyword.value, env)
                    value.entries[keyword.arg] = DictEntry(keyword, entry)
        else:
            value = self._returned(node, env)
            if isinstance(value, Unknown) and value.text is None:
                value.text = self._call_text(node, env)
        self.built[id(node)] = value
        return value

    def _sdk_class(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            if self.star and sdk.model_attributes(func.id) is not None:
                return func.id
            return self.sdk_names.get(func.id)
        if isinstance(func, ast.Attribute):
            root = func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and (
                root.id in self.sdk_modules or self.sdk_names.get(root.id) == "models"
            ):
                if not func.attr[:1].isupper():
                    return None
                # Only `sdk.Class` and `sdk.models.Class` are checked: other submodules
                # (rest.ApiException) hold classes the package does not export.
                owner = func.value
                direct = isinstance(owner, ast.Name) or (
                    isinstance(owner, ast.Attribute) and owner.attr == "models"
                )
                if direct and not sdk.is_exported(func.attr):
                    self._check_exported(func.attr, func)
                return func.attr if direct else None
        return None

    def _construct(self, node: ast.Call, cls: str, env: _Env) -> ModelObject:
        built = ModelObject(cls, node)
        self.models.append(built)
        for keyword in node.keywords:
            if keyword.arg is not None:
                self._set(built, keyword.arg, keyword, self.evaluate(keyword.value, env))
        if node.args or node.keywords:
            built.by_keywords = True
            self.report(findings.keyword_constructor(cls, node, env.name_of(node)), node.func)
        return built

    # -- sends -------------------------------------------------------------------------------

    def _read_call(self, node: ast.Call, env: _Env) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute | ast.Name):
            return
        name = func.attr if isinstance(func, ast.Attribute) else func.id
        if isinstance(func, ast.Attribute) and name in _GROWING:
            self._grow(func.value, node, env)
        elif isinstance(func, ast.Attribute) and sdk.is_analytics_method_name(name):
            self._sdk_send(node, func, env)
        elif name in _HTTP_SENDS:
            self._http_send(node, name, env)

    def _grow(self, owner_node: ast.expr, node: ast.Call, env: _Env) -> None:
        """`predicates.append(p)`, `body.update(...)`: the container's entries are the code's
        now; what goes into it is part of another object (not a body of its own)."""
        owner = self.evaluate(owner_node, env)
        if isinstance(owner, ListValue):
            owner.grown = True
        elif isinstance(owner, DictValue):
            owner.open = True
        else:  # query.filters.append(f) on an attribute not set here
            self._touch(owner_node, env)
        for argument in node.args:
            mark_nested(self.evaluate(argument, env))

    def _sdk_send(self, node: ast.Call, func: ast.Attribute, env: _Env) -> None:
        method = sdk.method(func.attr)
        passed = {k.arg for k in node.keywords if k.arg is not None}
        if method is None and not (self.sdk_names or self.sdk_modules or self.star):
            return  # another library's post_analytics_...: only code that imports the SDK
        if method is None:
            self.report(findings.unknown_method(func.attr, passed), func)
        elif passed - set(method.params) - {"callback"}:
            self.report(findings.method_arguments(method, passed), func)
        body = shapes.argument(node, "body", 0) or next(
            (k.value for k in node.keywords if k.arg is not None), None
        )
        if body is None:
            return
        value = self.evaluate(body, env)
        endpoint = method.endpoint if method is not None else None
        if (
            method is not None
            and method.body
            and isinstance(value, ModelObject)
            and value.cls != method.body
            and sdk.model_attributes(value.cls) is not None
        ):
            self.report(findings.wrong_body_class(method, value.cls), body)
        if isinstance(value, DictValue | ModelObject) and (method is None or method.body):
            model = method.body if method is not None else None
            self._add_body(value, endpoint, model)

    def _http_send(self, node: ast.Call, name: str, env: _Env) -> None:
        url_node = shapes.argument(node, "url", 1 if name == "request" else 0)
        body_node = shapes.argument(node, "json", -1)
        body_node = body_node or shapes.dumped(shapes.argument(node, "data", -1))
        if url_node is None or body_node is None:
            return
        url = string_text(self.evaluate(url_node, env))
        found = _ANALYTICS_PATH.search(url or "")
        if found is None:
            return
        path = found.group(0)
        endpoint: Endpoint | None = None
        if "{}" not in path:
            try:
                endpoint = resolve_endpoint(path.rstrip("/"))
            except EndpointError as error:
                if error.code == "AQL022":
                    return  # a real endpoint that is not a query (exports, settings): not ours
                self.report(Finding(error.code, "", error.message), url_node)
                if error.certain and error.suggestion:
                    endpoint = resolve_endpoint(error.suggestion)
        value = self.evaluate(body_node, env)
        if isinstance(value, DictValue | ModelObject):
            self._add_body(value, endpoint, endpoint.model if endpoint else None)

    def _add_body(
        self, value: DictValue | ModelObject, endpoint: Endpoint | None, model: str | None
    ) -> None:
        if endpoint is None and isinstance(value, ModelObject):
            endpoint, model = _endpoint_of_class(value.cls)
        if endpoint is None:
            return  # a URL built at run time: which query it is would be a guess
        key = (id(value), endpoint.name if endpoint else None)
        if key not in self.sent:
            self.sent[key] = PythonBody(value, endpoint, model)
            self.reading.bodies.append(self.sent[key])

    def add_unsent_models(self) -> None:
        """Request models built but not sent here (returned, or sent elsewhere): each is a
        body of the endpoint its class belongs to."""
        sent = [body.value for body in self.reading.bodies]
        for built in self.models:
            if built.nested or any(contains(value, built) for value in sent):
                continue
            endpoint, cls = _endpoint_of_class(built.cls)
            if endpoint is not None:
                self._add_body(built, endpoint, cls)


class _Env:
    """A function's names, then the module's (constants such as a base URL)."""

    def __init__(self, scope: dict[str, Value], outer: dict[str, Value] | None) -> None:
        self.scope = scope
        self.outer = outer or {}
        self.targets: dict[int, str] = {}

    def get(self, name: str) -> Value | None:
        return self.scope.get(name) or self.outer.get(name)

    def name_of(self, node: ast.Call) -> str | None:
        return self.targets.get(id(node))


def _endpoint_of_class(cls: str) -> tuple[Endpoint | None, str | None]:
    """The endpoint a request model class belongs to; for a class the SDK does not have, that
    of the request model its AQL803 names (the body is checked as that model)."""
    if sdk.model_attributes(cls) is None and not sdk.is_exported(cls):
        cls = sdk.nearest_model(cls, request_only=True) or cls
    endpoints = sdk.request_models().get(cls)
    if endpoints and len(endpoints) == 1:
        return endpoints[0], cls
    return None, None


def _is_sdk_module(module: str | None) -> bool:
    return module is not None and module.split(".")[0] == sdk.PACKAGE
