"""Property-based run of the open API against its own OpenAPI description.

Schemathesis generates requests from ``openapi.json`` (valid and invalid ones)
for every operation and sends them to the test server with a real key; every
answer must be no 5xx, a documented status code, the documented content type
and headers, a body that matches the documented schema, and invalid requests
must be refused (4xx). Bounded and derandomized: the
same few examples per operation on every run.

Schemathesis is a development requirement (requirements-dev.txt): without it
this test fails, it does not skip.
"""

import json
import time

from odoo.tests import tagged

from .test_api_common import API, ApiCase

try:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, reject, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )
except ImportError:  # pragma: no cover - reported by the test itself
    schemathesis = None

EXAMPLES = 5  # per operation and generation mode
MODES = ("positive", "negative")


@tagged("post_install", "-at_install")
class TestApiSchemathesis(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key.rate_limit = 0  # hundreds of requests in a few seconds

    def test_api_conforms_to_its_openapi(self):
        self.assertIsNotNone(
            schemathesis,
            "schemathesis is missing: pip install -r requirements-dev.txt",
        )
        member = self.register("+79210001122")
        erased = self.register("+79210001133")
        order = self.call(
            "POST",
            "/orders",
            {
                "identifier": "+79210001122",
                "external_ref": "ST-1",
                "lines": [{"sku": "X", "qty": 2, "unit_price": 50}],
            },
            headers={"Idempotency-Key": "st-1"},
        )
        self.assertEqual(order.status_code, 201, order.text)
        gift = self.service.gift_card_issue(
            {"amount": "40", "program_id": self.program.id}, "st-gift"
        )
        # a second pass on real records, so that 2xx answers are checked too
        real = {
            "GET /members/lookup": {"query": {"identifier": "+79210001122"}},
            "GET /members/{id}": {"path_parameters": {"id": member["id"]}},
            "PATCH /members/{id}": {"path_parameters": {"id": member["id"]}},
            "DELETE /members/{id}": {"path_parameters": {"id": erased["id"]}},
            "GET /members/{id}/transactions": {"path_parameters": {"id": member["id"]}},
            "POST /orders/{external_ref}/refunds": {
                "path_parameters": {"external_ref": "ST-1"}
            },
            "GET /gift-cards/{code}": {"path_parameters": {"code": gift["code"]}},
        }
        spec = self.url_open(f"{API}/openapi.json").json()
        schema = schemathesis.openapi.from_dict(spec)
        started, calls = time.monotonic(), []
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 12)
        passes = [
            (operation, mode, {}) for operation in operations for mode in MODES
        ] + [
            (operation, "positive", real[operation.label])
            for operation in operations
            if operation.label in real
        ]
        for operation, mode, overrides in passes:
            with self.subTest(
                operation=operation.label, mode=mode, real=bool(overrides)
            ):
                self._fuzz(operation, mode, overrides, calls)
        self.assertGreater(len(calls), 100, json.dumps(calls))
        self.assertGreater(sum(200 <= status < 300 for status in calls), 10, calls)
        self.assertLess(time.monotonic() - started, 120)

    def _fuzz(self, operation, mode, overrides, calls):
        """EXAMPLES generated requests to one operation, each answer checked."""
        base_url = self.base_url() + API
        headers = {"Authorization": f"Bearer {self.secret}"}
        checks = [
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            response_headers_conformance,
            negative_data_rejection,
        ]
        strategy = operation.as_strategy(schemathesis.GenerationMode(mode), **overrides)

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            # werkzeug's routing never matches a path with a line break: Odoo
            # answers its own HTML 404 before any API code runs
            if any(
                "\n" in str(value) or "\r" in str(value)
                for value in (case.path_parameters or {}).values()
            ):
                reject()
            response = case.call(
                base_url=base_url, session=self.opener, headers=headers, timeout=30
            )
            calls.append(response.status_code)
            case.validate_response(response, checks=checks, headers=headers)

        try:
            run()
        except Unsatisfiable:
            # nothing to get wrong (no parameter, no body)
            self.assertEqual(mode, "negative")
