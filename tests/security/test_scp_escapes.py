"""A member account's administrator tries to step outside its SCPs: with a role it names like a
service-linked role, and with names spelled in another case than the guarded ones."""
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
from org_fixture import OrganizationTestCase


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


GUARD_OAAR = document({"Effect": "Deny", "Action": "iam:*",
                       "Resource": "arn:aws:iam::*:role/OrganizationAccountAccessRole"})
NO_LEAVING = document({"Effect": "Deny", "Action": ["organizations:LeaveOrganization",
                                                    "iam:CreateUser"], "Resource": "*"})


class ScpEscapeTest(OrganizationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.created_account("escape@example.com", "Escape")
        cls.attach_scp(GUARD_OAAR, cls.member, "GuardOAAR")
        cls.attach_scp(NO_LEAVING, cls.member, "NoLeaving")
        cls.creds = cls.member_admin(cls.member)

    def assert_scp_denied(self, call, code="AccessDenied"):
        with self.assertRaises(ClientError) as ctx:
            call()
        error = ctx.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        self.assertIn("with an explicit deny in a service control policy", error["Message"])
        return error["Message"]

    def test_a_role_named_like_a_service_linked_role_stays_under_the_scps(self):
        iam = self.session_client("iam", self.creds)
        trust = document({"Effect": "Allow", "Action": "sts:AssumeRole",
                          "Principal": {"AWS": "arn:aws:iam::%s:root" % self.member}})
        role = iam.create_role(RoleName="AWSServiceRoleForEvil",
                               AssumeRolePolicyDocument=trust)["Role"]
        self.assertEqual(role["Path"], "/")
        iam.attach_role_policy(RoleName="AWSServiceRoleForEvil",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        evil = self.session_client("sts", self.creds).assume_role(
            RoleArn=role["Arn"], RoleSessionName="evil")["Credentials"]
        self.assert_scp_denied(
            lambda: self.session_client("organizations", evil).leave_organization(),
            code="AccessDeniedException")
        self.assert_scp_denied(
            lambda: self.session_client("iam", evil).create_user(UserName="escapee"))
        # The reserved path stays reserved.
        with self.assertRaises(ClientError) as ctx:
            iam.create_role(RoleName="AWSServiceRoleForOther", Path="/aws-service-role/x/",
                            AssumeRolePolicyDocument=trust)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidInput")

    def test_the_guarded_role_cannot_be_reached_by_another_spelling(self):
        iam = self.session_client("iam", self.creds)
        guarded = "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.member
        open_trust = document({"Effect": "Allow", "Action": "sts:AssumeRole",
                               "Principal": {"AWS": "*"}})
        for spelling in ("organizationaccountaccessrole", "ORGANIZATIONACCOUNTACCESSROLE",
                         "OrganizationAccountAccessRole"):
            message = self.assert_scp_denied(
                lambda: iam.update_assume_role_policy(RoleName=spelling,
                                                      PolicyDocument=open_trust))
            self.assertIn("on resource: " + guarded + " ", message)
            self.assert_scp_denied(lambda: iam.attach_role_policy(
                RoleName=spelling, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"))
            self.assert_scp_denied(lambda: iam.delete_role(RoleName=spelling))
            self.assert_scp_denied(lambda: iam.tag_role(RoleName=spelling,
                                                        Tags=[{"Key": "k", "Value": "v"}]))
        # The trust policy is still the management account's.
        trust = self.admin("sts").assume_role(RoleArn=guarded, RoleSessionName="check")
        self.assertIn("Credentials", trust)


class IdentityDenyCaseTest(GatehouseTestCase):
    """Deny statements of identity policies naming a user, a group or a policy hold whatever
    the case of the name in the request."""

    def test_deny_statements_hold_for_every_spelling(self):
        iam = self.admin("iam")
        iam.create_user(UserName="Alice")
        iam.create_group(GroupName="Ops")
        guarded = iam.create_policy(PolicyName="Guarded", PolicyDocument=document(
            {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}))["Policy"]["Arn"]
        deny = document(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": [
                "arn:aws:iam::%s:user/Alice" % self.account,
                "arn:aws:iam::%s:group/Ops" % self.account, guarded]})
        limited = self.new_user_client("iam", "limited", deny)
        calls = [
            lambda: limited.put_user_policy(UserName="alice", PolicyName="p",
                                            PolicyDocument=document({"Effect": "Allow",
                                                                     "Action": "*",
                                                                     "Resource": "*"})),
            lambda: limited.create_access_key(UserName="ALICE"),
            lambda: limited.delete_user(UserName="aLiCe"),
            lambda: limited.add_user_to_group(GroupName="ops", UserName="limited"),
            lambda: limited.delete_group(GroupName="OPS"),
            lambda: limited.create_policy_version(PolicyArn=guarded.replace("Guarded", "guarded"),
                                                  PolicyDocument=document({"Effect": "Allow",
                                                                           "Action": "*",
                                                                           "Resource": "*"}),
                                                  SetAsDefault=True),
        ]
        for i, call in enumerate(calls):
            with self.assertRaises(ClientError) as ctx:
                call()
            code = ctx.exception.response["Error"]["Code"]
            # A policy ARN is matched exactly: another spelling names no policy.
            self.assertIn(code, ("AccessDenied",) if i < 5 else ("AccessDenied", "NoSuchEntity"))
        self.assertEqual(iam.list_user_policies(UserName="Alice")["PolicyNames"], [])
        self.assertEqual(iam.list_access_keys(UserName="Alice")["AccessKeyMetadata"], [])
        self.assertEqual(iam.get_group(GroupName="Ops")["Users"], [])
        self.assertEqual(len(iam.list_policy_versions(PolicyArn=guarded)["Versions"]), 1)


if __name__ == "__main__":
    unittest.main()
