"""SCPs enforced end to end with boto3: an SCP denying iam:CreateUser attached to an OU stops
the member account's OrganizationAccountAccessRole sessions and IAM users, whether the account
was created or invited, while the management account is never restricted; detaching it lifts
the refusal. The member's root user is covered by the unit tests (it has no access key an API
test could use)."""

import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

DENY_CREATE_USER = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]})


class OrganizationScpTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.root_id = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=cls.root_id, PolicyType="SERVICE_CONTROL_POLICY")
        cls.ou_id = org.create_organizational_unit(ParentId=cls.root_id,
                                                   Name="Sandbox")["OrganizationalUnit"]["Id"]
        cls.member = cls.created_account("sandbox@example.com", "Sandbox")
        org.move_account(AccountId=cls.member, SourceParentId=cls.root_id,
                         DestinationParentId=cls.ou_id)
        cls.scp = org.create_policy(Content=DENY_CREATE_USER, Description="no new users",
                                    Name="DenyCreateUser",
                                    Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]

    def role_session(self, account):
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account,
            RoleSessionName="scp-test")["Credentials"]
        return self.session_client("iam", creds)

    def attached(self, target):
        org = self.admin("organizations")
        org.attach_policy(PolicyId=self.scp, TargetId=target)
        self.addCleanup(org.detach_policy, PolicyId=self.scp, TargetId=target)

    def assert_scp_denied(self, call):
        with self.assertRaises(ClientError) as ctx:
            call()
        error = ctx.exception.response["Error"]
        self.assertEqual(error["Code"], "AccessDenied")
        self.assertIn("is not authorized to perform: iam:CreateUser", error["Message"])
        self.assertIn("with an explicit deny in a service control policy", error["Message"])

    def test_scp_on_the_ou_stops_the_member_role_and_is_lifted_by_detaching(self):
        org = self.admin("organizations")
        iam = self.role_session(self.member)
        iam.create_user(UserName="before-scp")
        org.attach_policy(PolicyId=self.scp, TargetId=self.ou_id)
        try:
            self.assert_scp_denied(lambda: iam.create_user(UserName="during-scp"))
            # What the SCP does not deny still works.
            names = [u["UserName"] for u in iam.list_users()["Users"]]
            self.assertIn("before-scp", names)
        finally:
            org.detach_policy(PolicyId=self.scp, TargetId=self.ou_id)
        iam.create_user(UserName="after-scp")

    def test_scp_stops_the_members_iam_users(self):
        iam = self.role_session(self.member)
        iam.create_user(UserName="member-admin")
        iam.attach_user_policy(UserName="member-admin",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = iam.create_access_key(UserName="member-admin")["AccessKey"]
        user_iam = self.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        user_iam.create_user(UserName="made-by-member-admin")
        self.attached(self.ou_id)
        self.assert_scp_denied(lambda: user_iam.create_user(UserName="blocked"))

    def test_the_simulator_reports_what_the_scps_decide(self):
        iam = self.role_session(self.member)
        iam.create_user(UserName="simulated")
        iam.attach_user_policy(UserName="simulated",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        arn = "arn:aws:iam::%s:user/simulated" % self.member

        def simulated(action):
            result = iam.simulate_principal_policy(PolicySourceArn=arn,
                                                   ActionNames=[action])["EvaluationResults"][0]
            return result["EvalDecision"], result["OrganizationsDecisionDetail"]

        self.assertEqual(simulated("iam:CreateUser"), ("allowed", {"AllowedByOrganizations": True}))
        self.attached(self.ou_id)
        self.assertEqual(simulated("iam:CreateUser"),
                         ("explicitDeny", {"AllowedByOrganizations": False}))
        self.assertEqual(simulated("iam:ListUsers"), ("allowed", {"AllowedByOrganizations": True}))

    def test_the_management_account_is_never_restricted(self):
        self.attached(self.root_id)
        iam = self.admin("iam")
        iam.create_user(UserName="management-user")
        self.addCleanup(iam.delete_user, UserName="management-user")
        # The member under the root's SCP is refused at the same time.
        self.assert_scp_denied(lambda: self.role_session(self.member).create_user(UserName="x"))

    def test_an_invited_account_is_bound_by_the_scps_on_its_path(self):
        org = self.admin("organizations")
        invited = self.create_account("Invited", email="invited@example.com")
        handshake = org.invite_account_to_organization(
            Target={"Type": "ACCOUNT", "Id": invited["account_id"]})["Handshake"]
        invited_org = self.client("organizations", invited["access_key_id"],
                                  invited["secret_access_key"])
        invited_org.accept_handshake(HandshakeId=handshake["Id"])
        invited_iam = self.client("iam", invited["access_key_id"], invited["secret_access_key"])
        invited_iam.create_user(UserName="before")
        self.attached(self.root_id)
        self.assert_scp_denied(lambda: invited_iam.create_user(UserName="during"))

    def test_scps_do_nothing_while_the_policy_type_is_disabled(self):
        org = self.admin("organizations")
        iam = self.role_session(self.member)
        self.attached(self.ou_id)
        self.assert_scp_denied(lambda: iam.create_user(UserName="while-enabled"))
        org.disable_policy_type(RootId=self.root_id, PolicyType="SERVICE_CONTROL_POLICY")
        try:
            iam.create_user(UserName="while-disabled")
        finally:
            org.enable_policy_type(RootId=self.root_id, PolicyType="SERVICE_CONTROL_POLICY")
            # Disabling the type detached every SCP; re-attach so that the cleanup can detach.
            org.attach_policy(PolicyId=self.scp, TargetId=self.ou_id)


if __name__ == "__main__":
    unittest.main()
