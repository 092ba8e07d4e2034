"""Shared by the role tests: trust policies, a policy document, and a test case with role
helpers (create_role, assert_error) over the gatehouse server fixture.
"""
import json
import warnings

from gatehouse_fixture import GatehouseTestCase

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def trust(principal=None, action="sts:AssumeRole", condition=None):
    statement = {"Effect": "Allow",
                 "Principal": principal or {"Service": "ec2.amazonaws.com"},
                 "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


TRUST = json.dumps(trust())
ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


class RoleTestCase(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def assert_error(self, ctx, code, message, status):
        error = ctx.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["Error"]["Message"], message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)

    def iam(self):
        return self.admin("iam")

    def create_role(self, name, **kwargs):
        kwargs.setdefault("AssumeRolePolicyDocument", TRUST)
        return self.iam().create_role(RoleName=name, **kwargs)["Role"]
