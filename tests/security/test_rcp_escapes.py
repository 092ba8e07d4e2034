"""Principals outside an organization try to get past the resource control policy that keeps them
out of a member account's roles: as members of an organization of their own, with session tags
or a role chain that would speak for the organization, with another spelling of the guarded
role, by probing the RCP through the policy simulator, and as the member account's own
administrator trying to lift the RCP."""
import json
import unittest

from botocore.exceptions import ClientError

from org_fixture import OrganizationTestCase


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class RcpEscapeTest(OrganizationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.admin("organizations")
        cls.org_id = org.describe_organization()["Organization"]["Id"]
        org.enable_policy_type(RootId=cls.root_id, PolicyType="RESOURCE_CONTROL_POLICY")
        cls.member = cls.created_account("guarded@example.com", "Guarded")
        cls.outsider = cls.create_account("intruder")
        cls.outsider_id = cls.outsider["account_id"]
        # The member's role trusts the outsider's whole account, as a careless partner role does.
        trust = document({"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
                          "Principal": {"AWS": "arn:aws:iam::%s:root" % cls.outsider_id}})
        member_iam = cls.session_client("iam", cls.member_admin(cls.member))
        cls.role_arn = member_iam.create_role(RoleName="Partner",
                                              AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        policy = org.create_policy(
            Name="OrgOnly", Description="", Type="RESOURCE_CONTROL_POLICY",
            Content=document({"Effect": "Deny", "Principal": "*", "Action": "sts:*",
                              "Resource": "*",
                              "Condition": {"StringNotEqualsIfExists": {
                                  "aws:PrincipalOrgID": cls.org_id}}}))
        cls.rcp = policy["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=cls.rcp, TargetId=cls.member)

    def outsider_client(self, service):
        return self.client(service, self.outsider["access_key_id"],
                           self.outsider["secret_access_key"])

    def assert_rcp_denied(self, call):
        with self.assertRaises(ClientError) as ctx:
            call()
        error = ctx.exception.response["Error"]
        self.assertEqual(error["Code"], "AccessDenied", error)
        return error["Message"]

    def test_an_organization_of_ones_own_does_not_count(self):
        # The outsider makes an organization of its own: its aws:PrincipalOrgID is another id.
        outsider_org = self.outsider_client("organizations")
        own = outsider_org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.addCleanup(outsider_org.delete_organization)
        self.assertNotEqual(own, self.org_id)
        message = self.assert_rcp_denied(lambda: self.outsider_client("sts").assume_role(
            RoleArn=self.role_arn, RoleSessionName="own-org"))
        self.assertIn("with an explicit deny in a resource control policy", message)

    def test_session_tags_and_chains_cannot_speak_for_the_organization(self):
        sts = self.outsider_client("sts")
        # Global keys cannot be set as tags.
        with self.assertRaises(ClientError) as ctx:
            sts.assume_role(RoleArn=self.role_arn, RoleSessionName="tagged",
                            Tags=[{"Key": "aws:PrincipalOrgID", "Value": self.org_id}])
        self.assertIn(ctx.exception.response["Error"]["Code"],
                      ("ValidationError", "InvalidParameterValue", "AccessDenied"))
        # A role of the outsider's own account, tagged like the organization, chains into the
        # member's role: still the outsider's principal, still refused.
        iam = self.outsider_client("iam")
        iam.create_role(RoleName="Hop", Tags=[{"Key": "PrincipalOrgID", "Value": self.org_id}],
                        AssumeRolePolicyDocument=document({
                            "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
                            "Principal": {"AWS": "arn:aws:iam::%s:root" % self.outsider_id}}))
        iam.attach_role_policy(RoleName="Hop",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        hop = sts.assume_role(RoleArn="arn:aws:iam::%s:role/Hop" % self.outsider_id,
                              RoleSessionName="hop",
                              Tags=[{"Key": "OrgId", "Value": self.org_id}],
                              TransitiveTagKeys=["OrgId"])["Credentials"]
        message = self.assert_rcp_denied(lambda: self.session_client("sts", hop).assume_role(
            RoleArn=self.role_arn, RoleSessionName="chained"))
        self.assertIn("with an explicit deny in a resource control policy", message)

    def test_another_spelling_of_the_role_is_no_way_in(self):
        for arn in (self.role_arn.replace("Partner", "partner"),
                    self.role_arn.replace("Partner", "PARTNER"),
                    self.role_arn.replace(":role/", ":role//"),
                    self.role_arn.replace(":role/", ":role/x/../")):
            self.assert_rcp_denied(lambda: self.outsider_client("sts").assume_role(
                RoleArn=arn, RoleSessionName="spelling"))

    def test_the_simulator_does_not_show_another_organizations_rcps(self):
        # Guessing the organization id through the simulator's context entries teaches nothing:
        # the RCPs of the member account take no part in an outsider's simulation.
        iam = self.outsider_client("iam")
        decisions = set()
        for org_id in (self.org_id, "o-guess12345"):
            result = iam.simulate_principal_policy(
                PolicySourceArn="arn:aws:iam::%s:user/admin" % self.outsider_id,
                ActionNames=["sts:AssumeRole"], ResourceArns=[self.role_arn],
                ContextEntries=[{"ContextKeyName": "aws:PrincipalOrgID",
                                 "ContextKeyValues": [org_id], "ContextKeyType": "string"}],
            )["EvaluationResults"][0]
            decisions.add(result["EvalDecision"])
        self.assertEqual(decisions, {"allowed"})

    def test_the_member_cannot_lift_its_own_rcp(self):
        org = self.session_client("organizations", self.member_admin(self.member))
        for call in (lambda: org.detach_policy(PolicyId=self.rcp, TargetId=self.member),
                     lambda: org.disable_policy_type(RootId=self.root_id,
                                                     PolicyType="RESOURCE_CONTROL_POLICY"),
                     lambda: org.update_policy(PolicyId=self.rcp, Content=document({
                         "Effect": "Deny", "Principal": "*", "Action": "s3:Nothing",
                         "Resource": "*"}))):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assert_rcp_denied(lambda: self.outsider_client("sts").assume_role(
            RoleArn=self.role_arn, RoleSessionName="still-out"))


if __name__ == "__main__":
    unittest.main()
