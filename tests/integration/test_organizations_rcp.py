"""Resource control policies end to end with boto3 and the AWS CLI: enabling the type attaches
AWS's RCPFullAWSAccess to the root, every OU and every account (and to those made later), which
can never be detached (InvalidInputException NON_DETACHABLE_POLICY); CreatePolicy validates RCPs as AWS Organizations does (Deny only, Principal
"*", no NotPrincipal or NotAction, 5,120 characters), five per target; and an RCP denying
principals from outside the organization (aws:PrincipalOrgID) stops a cross-account AssumeRole
into a member account while the organization's own principals, and the management account's
resources, are untouched. The IAM policy simulator reaches the same decisions.

Run: python3 -m unittest test_organizations_rcp (from tests/integration), GATEHOUSE_BIN set
(ctest sets it).
"""
import json
import os
import subprocess
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

RCP = "RESOURCE_CONTROL_POLICY"
RCP_FULL_ACCESS = "p-RCPFullAWSAccess"
REQUIREMENTS = ("The provided policy document does not meet the requirements of the specified "
                "policy type.")


def rcp(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def deny_outside(org_id):
    return rcp({"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                "Action": "sts:AssumeRole", "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
                              "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}})


class ResourceControlPolicyTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.admin("organizations")
        cls.org_id = cls.org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        cls.root = cls.org.list_roots()["Roots"][0]["Id"]
        cls.management = cls.admin("sts").get_caller_identity()["Account"]
        cls.ou = cls.org.create_organizational_unit(ParentId=cls.root,
                                                    Name="Workloads")["OrganizationalUnit"]["Id"]
        cls.member = cls.created_account("workload@example.com", "Workload")
        cls.org.move_account(AccountId=cls.member, SourceParentId=cls.root,
                             DestinationParentId=cls.ou)
        cls.outsider = cls.create_account("partner")
        cls.partner_role = cls.make_partner_role()
        cls.org.enable_policy_type(RootId=cls.root, PolicyType=RCP)

    @classmethod
    def make_partner_role(cls):
        """A role of the member account that trusts the management account and the outsider."""
        creds = cls.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % cls.member,
            RoleSessionName="setup")["Credentials"]
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": ["arn:aws:iam::%s:root" % cls.management,
                                  "arn:aws:iam::%s:root" % cls.outsider["account_id"]]}}]})
        return cls.session_client("iam", creds).create_role(
            RoleName="Partner", AssumeRolePolicyDocument=trust)["Role"]["Arn"]

    def outsider_client(self, service):
        return self.client(service, self.outsider["access_key_id"],
                           self.outsider["secret_access_key"])

    def create(self, name, content):
        policy = self.org.create_policy(Name=name, Description="", Content=content,
                                        Type=RCP)["Policy"]["PolicySummary"]["Id"]
        self.addCleanup(self.org.delete_policy, PolicyId=policy)
        return policy

    def attached(self, policy, target):
        self.org.attach_policy(PolicyId=policy, TargetId=target)
        self.addCleanup(self.org.detach_policy, PolicyId=policy, TargetId=target)

    def assertOrgError(self, code, reason=None, **kwargs):
        call = kwargs.pop("call")
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        response = e.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        if reason is not None:
            self.assertEqual(response.get("Reason"), reason, response)
        return response

    def assume_partner(self, sts):
        return sts.assume_role(RoleArn=self.partner_role, RoleSessionName="rcp-test")

    def test_rcp_full_aws_access_is_everywhere_and_stays(self):
        root = self.org.list_roots()["Roots"][0]
        self.assertIn({"Type": RCP, "Status": "ENABLED"}, root["PolicyTypes"])
        listed = self.org.list_policies(Filter=RCP)["Policies"]
        full = [p for p in listed if p["Id"] == RCP_FULL_ACCESS]
        self.assertEqual(full, [{
            "Id": RCP_FULL_ACCESS,
            "Arn": "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
            "Name": "RCPFullAWSAccess", "Description": "Allows access to every resource",
            "Type": RCP, "AwsManaged": True}])
        content = json.loads(self.org.describe_policy(PolicyId=RCP_FULL_ACCESS)["Policy"]["Content"])
        self.assertEqual(content["Statement"][0]["Principal"], "*")
        for target in (self.root, self.ou, self.member, self.management):
            ids = [p["Id"] for p in
                   self.org.list_policies_for_target(TargetId=target, Filter=RCP)["Policies"]]
            self.assertEqual(ids, [RCP_FULL_ACCESS], target)
        response = self.assertOrgError("InvalidInputException", "NON_DETACHABLE_POLICY",
                                       call=self.org.detach_policy, PolicyId=RCP_FULL_ACCESS,
                                       TargetId=self.member)
        self.assertEqual(response["Error"]["Message"],
                         "You can't detach this AWS Managed Policy.")
        self.assertOrgError("DuplicatePolicyAttachmentException", call=self.org.attach_policy,
                            PolicyId=RCP_FULL_ACCESS, TargetId=self.member)
        self.assertOrgError("InvalidInputException", call=self.org.update_policy,
                            PolicyId=RCP_FULL_ACCESS, Name="Mine")
        self.assertOrgError("DuplicatePolicyException", call=self.org.create_policy,
                            Name="RCPFullAWSAccess", Description="", Type=RCP,
                            Content=deny_outside(self.org_id))
        # An OU made after enabling RCPs gets it too.
        later = self.org.create_organizational_unit(ParentId=self.root,
                                                    Name="Later")["OrganizationalUnit"]["Id"]
        self.addCleanup(self.org.delete_organizational_unit, OrganizationalUnitId=later)
        ids = [p["Id"] for p in
               self.org.list_policies_for_target(TargetId=later, Filter=RCP)["Policies"]]
        self.assertEqual(ids, [RCP_FULL_ACCESS])

    def test_content_rules(self):
        def statement(**changes):
            st = {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}
            st.update(changes)
            return {k: v for k, v in st.items() if v is not None}
        for name, content in [
                ("allow", rcp(statement(Effect="Allow"))),
                ("no-principal", rcp(statement(Principal=None))),
                ("account-principal", rcp(statement(Principal={"AWS": self.management}))),
                ("not-principal", rcp(statement(Principal=None, NotPrincipal={"AWS": "*"}))),
                ("not-action", rcp(statement(Action=None, NotAction="s3:*"))),
                ("old-version", json.dumps({"Version": "2008-10-17",
                                            "Statement": [statement()]}))]:
            response = self.assertOrgError("MalformedPolicyDocumentException",
                                           call=self.org.create_policy, Name=name,
                                           Description="", Type=RCP, Content=content)
            self.assertEqual(response["Error"]["Message"], REQUIREMENTS, name)
        padded = rcp(statement(Sid="x" * 5100))
        self.assertOrgError("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED",
                            call=self.org.create_policy, Name="big", Description="", Type=RCP,
                            Content=padded)
        # NotResource and conditions are part of the grammar.
        self.create("break-glass", rcp(statement(
            Resource=None, NotResource="arn:aws:iam::*:role/BreakGlass",
            Condition={"StringNotEquals": {"aws:PrincipalOrgID": self.org_id}})))

    def test_five_per_target_counting_rcp_full_aws_access(self):
        ids = [self.create("deny-%d" % i, rcp({"Effect": "Deny", "Principal": "*",
                                               "Action": "s3:DeleteBucket%d" % i,
                                               "Resource": "*"}))
               for i in range(5)]
        for policy in ids[:4]:
            self.attached(policy, self.ou)
        self.assertOrgError("ConstraintViolationException",
                            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                            call=self.org.attach_policy, PolicyId=ids[4], TargetId=self.ou)

    def test_rcp_stops_principals_from_outside_the_organization(self):
        outsider_sts = self.outsider_client("sts")
        self.assume_partner(outsider_sts)  # allowed while only RCPFullAWSAccess is attached
        policy = self.create("OrgOnly", deny_outside(self.org_id))
        self.org.attach_policy(PolicyId=policy, TargetId=self.ou)
        try:
            with self.assertRaises(ClientError) as e:
                self.assume_partner(outsider_sts)
            error = e.exception.response["Error"]
            self.assertEqual(error["Code"], "AccessDenied")
            self.assertEqual(error["Message"], (
                "User: arn:aws:iam::%s:user/admin is not authorized to perform: sts:AssumeRole "
                "on resource: %s with an explicit deny in a resource control policy"
                % (self.outsider["account_id"], self.partner_role)))
            # The organization's own principals pass.
            self.assertIn("Credentials", self.assume_partner(self.admin("sts")))
            # The organization's simulator agrees: its admin is let through, and so would a
            # principal of another organization not be.
            admin_arn = "arn:aws:iam::%s:user/admin" % self.management
            for context, decision in [
                    ([], "allowed"),
                    ([{"ContextKeyName": "aws:PrincipalOrgID", "ContextKeyValues": ["o-else1234"],
                       "ContextKeyType": "string"}], "explicitDeny")]:
                result = self.admin("iam").simulate_principal_policy(
                    PolicySourceArn=admin_arn, ActionNames=["sts:AssumeRole"],
                    ResourceArns=[self.partner_role],
                    ContextEntries=context)["EvaluationResults"][0]
                self.assertEqual(result["EvalDecision"], decision, context)
            # Another organization's RCPs are not the outsider's to probe: its simulator decides
            # on its own side.
            result = self.outsider_client("iam").simulate_principal_policy(
                PolicySourceArn="arn:aws:iam::%s:user/admin" % self.outsider["account_id"],
                ActionNames=["sts:AssumeRole"], ResourceArns=[self.partner_role],
            )["EvaluationResults"][0]
            self.assertEqual(result["EvalDecision"], "allowed")
            # The AWS CLI meets the same refusal.
            code, out, err = self.aws_cli_as(self.outsider, "sts", "assume-role", "--role-arn",
                                             self.partner_role, "--role-session-name", "cli")
            self.assertNotEqual(code, 0)
            self.assertIn("explicit deny in a resource control policy", err)
        finally:
            self.org.detach_policy(PolicyId=policy, TargetId=self.ou)
        self.assume_partner(outsider_sts)  # lifted once detached

    def test_resources_of_the_management_account_are_never_bound(self):
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::%s:root" % self.outsider["account_id"]}}]})
        iam = self.admin("iam")
        arn = iam.create_role(RoleName="PartnerInManagement",
                              AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        self.addCleanup(iam.delete_role, RoleName="PartnerInManagement")
        policy = self.create("OrgOnlyAtRoot", deny_outside(self.org_id))
        self.attached(policy, self.root)
        self.outsider_client("sts").assume_role(RoleArn=arn, RoleSessionName="ok")
        with self.assertRaises(ClientError):
            self.assume_partner(self.outsider_client("sts"))

    def test_disabling_detaches_and_enabling_attaches_again(self):
        policy = self.create("Temporary", deny_outside(self.org_id))
        self.org.attach_policy(PolicyId=policy, TargetId=self.member)
        self.org.disable_policy_type(RootId=self.root, PolicyType=RCP)
        try:
            self.assertEqual(
                self.org.list_policies_for_target(TargetId=self.member, Filter=RCP)["Policies"],
                [])
            self.assume_partner(self.outsider_client("sts"))  # nothing enforced any more
            self.assertOrgError("PolicyTypeNotEnabledException", call=self.org.attach_policy,
                                PolicyId=policy, TargetId=self.member)
        finally:
            self.org.enable_policy_type(RootId=self.root, PolicyType=RCP)
        ids = [p["Id"] for p in
               self.org.list_policies_for_target(TargetId=self.member, Filter=RCP)["Policies"]]
        self.assertEqual(ids, [RCP_FULL_ACCESS])

    def aws_cli_as(self, account, *args):
        """Runs the AWS CLI with the key of `account`'s admin user."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=account["access_key_id"],
                   AWS_SECRET_ACCESS_KEY=account["secret_access_key"],
                   AWS_DEFAULT_REGION="us-east-1")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json"]
                           + list(args), env=env, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr


if __name__ == "__main__":
    unittest.main()
