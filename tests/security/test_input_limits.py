"""One request must not stop the server.

Any signed caller (and, with console sign-up on by default, anyone) can send values as long as
the 1 MiB body allows, JSON nested as deep as it can be written, and nulls where values belong.
Each gets AWS's answer — an error in the service's envelope, or the operation's result — never a
dropped connection, and the server goes on serving afterwards.
"""
import http.client
import json
import unittest
from xml.etree import ElementTree

import botocore.exceptions
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from console_client import ConsoleClient
from gatehouse_fixture import GatehouseTestCase

POLICY_HEAD = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
POLICY_TAIL = '"Action":"s3:GetObject","Resource":"*"}]}'


class InputLimitsTest(GatehouseTestCase):
    def assert_serving(self):
        """The server still answers, both its health check and a signed call."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/healthz")
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        self.assertEqual(self.admin("sts").get_caller_identity()["Account"], self.account)
        self.assertIsNone(self.proc.poll(), "the server process died")

    def signed(self, service, headers, body):
        """Sends `body` to `service` signed by the bootstrap admin; (status, headers, body)."""
        request = AWSRequest(method="POST", url=self.endpoint + "/", data=body, headers=headers)
        SigV4Auth(Credentials(*self.admin_key), service, "us-east-1").add_auth(request)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("POST", "/", body=body, headers=dict(request.headers.items()))
        r = conn.getresponse()
        out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        conn.close()
        return out

    def organizations(self, operation, body):
        return self.signed("organizations", {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSOrganizationsV20161128." + operation}, body)

    def test_whitespace_padded_policy_document(self):
        # 120 KB of whitespace: within the document's 131072 characters, and whitespace does not
        # count against the 2048 of a user's inline policies, so AWS stores it.
        iam = self.admin("iam")
        iam.create_user(UserName="padded")
        document = POLICY_HEAD + " " * (120 * 1024) + POLICY_TAIL
        iam.put_user_policy(UserName="padded", PolicyName="p", PolicyDocument=document)
        stored = iam.get_user_policy(UserName="padded", PolicyName="p")["PolicyDocument"]
        self.assertEqual(stored["Statement"][0]["Action"], "s3:GetObject")
        self.assert_serving()
        # Past the model's maximum: the length error.
        too_long = POLICY_HEAD + " " * (140 * 1024) + POLICY_TAIL
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.put_user_policy(UserName="padded", PolicyName="q", PolicyDocument=too_long)
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")
        self.assertIn("Member must have length less than or equal to 131072",
                      e.exception.response["Error"]["Message"])
        self.assert_serving()

    def test_300_kb_user_name(self):
        iam = self.admin("iam")
        name = "a" * (300 * 1024)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.get_user(UserName=name)
        error = e.exception.response["Error"]
        self.assertEqual(error["Code"], "ValidationError")
        self.assertIn("at 'userName' failed to satisfy constraint: Member must have length less "
                      "than or equal to 128", error["Message"])
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.create_user(UserName=name + "!")
        self.assertIn("2 validation errors detected", e.exception.response["Error"]["Message"])
        self.assert_serving()

    def test_bytes_xml_cannot_carry_in_an_echoed_value(self):
        # A query string carries any byte; the error that echoes the value must still be a
        # well-formed XML document (each such byte shown as U+FFFD), so that the client reads
        # AWS's ValidationError rather than failing to parse.
        body = b"Action=GetUser&Version=2010-05-08&UserName=a%FF%01%C0%AF%ED%A0%80b%E2%82"
        status, _, answer = self.signed(
            "iam", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, body)
        self.assertEqual(status, 400)
        root = ElementTree.fromstring(answer)  # raises on a malformed document
        ns = {"a": "https://iam.amazonaws.com/doc/2010-05-08/"}
        self.assertEqual(root.findtext("a:Error/a:Code", namespaces=ns), "ValidationError")
        message = root.findtext("a:Error/a:Message", namespaces=ns)
        self.assertIn("Value 'a" + "\ufffd" * 7 + "b" + "\ufffd" * 2 + "' at 'userName'", message)
        self.assert_serving()

    def test_json_nested_100000_levels(self):
        levels = 100000
        body = '{"ParentId":"r-abcd","Name":' + "[" * levels + "]" * levels + "}"
        status, headers, raw = self.organizations("CreateOrganizationalUnit", body)
        self.assertEqual(status, 400)
        error = json.loads(raw)
        self.assertEqual(error["__type"], "SerializationException")
        self.assertIn("x-amzn-requestid", headers)
        # The same at the top level, and deep objects.
        status, _, raw = self.organizations("ListAccounts", "[" * levels + "]" * levels)
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["__type"], "SerializationException")
        status, _, _ = self.organizations("ListAccounts", '{"a":' * levels + "1" + "}" * levels)
        self.assertEqual(status, 400)
        self.assert_serving()

    def test_null_member_in_a_json_body(self):
        # A null counts as absent: FeatureSet takes its default, ALL.
        status, _, raw = self.organizations("CreateOrganization", '{"FeatureSet":null}')
        self.assertEqual(status, 200, raw)
        self.assertEqual(json.loads(raw)["Organization"]["FeatureSet"], "ALL")
        # A required member given as null is missing, as AWS words it.
        status, _, raw = self.organizations("CreateOrganizationalUnit",
                                            '{"ParentId":null,"Name":"x"}')
        self.assertEqual(status, 400)
        error = json.loads(raw)
        self.assertEqual(error["__type"], "InvalidInputException")
        self.assertEqual(error["Reason"], "INPUT_REQUIRED")
        self.assertEqual(error["Message"], "You must include a value for all required parameters.")
        status, _, raw = self.organizations("ListRoots", "null")
        self.assertEqual(status, 200, raw)
        self.assert_serving()

    def test_null_member_in_a_console_api_call(self):
        iam = self.admin("iam")
        iam.create_user(UserName="consoler")
        iam.attach_user_policy(UserName="consoler",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        password = "Correct-Horse-Battery-9!"
        iam.create_login_profile(UserName="consoler", Password=password,
                                 PasswordResetRequired=False)
        console = ConsoleClient(self.port)
        status, doc = console.sign_in_user(self.account, "consoler", password)
        self.assertEqual(status, 200, doc)
        status, doc = console.api("iam", "ListPolicies", {"PathPrefix": None, "Scope": "Local"})
        self.assertEqual(status, 200, doc)
        self.assertIn("Policies", doc)
        status, doc = console.api("iam", "GetUser", {"UserName": None})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["User"]["UserName"], "consoler")
        status, doc = console.api("iam", "CreateUser", {"UserName": None})
        self.assertEqual(status, 400, doc)
        self.assertEqual(doc["error"]["code"], "ValidationError")
        self.assert_serving()


if __name__ == "__main__":
    unittest.main()
