"""Escapes through the organization's delegation: a member account's administrator, named by a
resource policy that allows everything it can ("organizations:*" to "*" from any principal),
still cannot create, move, close or remove accounts, change the organization or its
delegations, or rewrite the resource policy; an account outside the organization gets nothing
from a policy that names every principal; and a delegated administrator's read access ends
with its registration."""
import json
import warnings

from botocore.exceptions import ClientError

from org_fixture import OrganizationTestCase


class DelegationEscapesTest(OrganizationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.created_account("escape-member@example.com", "escape-member")
        cls.victim = cls.created_account("escape-victim@example.com", "escape-victim")
        cls.org_client = cls.admin("organizations")
        cls.org_client.put_resource_policy(Content=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "organizations:*",
                           "Resource": "*"}]}))

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.attacker = self.session_client("organizations", self.member_admin(self.member))

    def assertRefused(self, call, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDeniedException",
                         e.exception.response)

    def test_the_widest_policy_delegates_no_account_or_organization_change(self):
        # What it does delegate works: the attacker reads the organization.
        self.assertGreaterEqual(len(self.attacker.list_accounts()["Accounts"]), 3)
        self.assertRefused(self.attacker.create_account, Email="x@example.com", AccountName="x")
        self.assertRefused(self.attacker.close_account, AccountId=self.victim)
        self.assertRefused(self.attacker.remove_account_from_organization, AccountId=self.victim)
        self.assertRefused(self.attacker.move_account, AccountId=self.victim,
                           SourceParentId=self.root_id, DestinationParentId=self.root_id)
        self.assertRefused(self.attacker.invite_account_to_organization,
                           Target={"Id": "123456789012", "Type": "ACCOUNT"})
        self.assertRefused(self.attacker.create_organizational_unit, ParentId=self.root_id,
                           Name="attacker-ou")
        self.assertRefused(self.attacker.enable_aws_service_access,
                           ServicePrincipal="config.amazonaws.com")
        self.assertRefused(self.attacker.register_delegated_administrator,
                           AccountId=self.member, ServicePrincipal="config.amazonaws.com")
        self.assertRefused(self.attacker.delete_resource_policy)
        self.assertRefused(self.attacker.put_resource_policy, Content=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
                                                    "Action": "organizations:List*",
                                                    "Resource": "*"}]}))
        self.assertRefused(self.attacker.delete_organization)
        # The victim is still where it was, and the policy as the management account wrote it.
        victim = self.org_client.describe_account(AccountId=self.victim)["Account"]
        self.assertEqual(victim["Status"], "ACTIVE")
        self.assertIn('"organizations:*"', self.org_client.describe_resource_policy()[
            "ResourcePolicy"]["Content"])

    def test_an_account_outside_the_organization_gets_nothing(self):
        outsider = self.create_account("escape-outsider")
        client = self.client("organizations", outsider["access_key_id"],
                             outsider["secret_access_key"])
        with self.assertRaises(ClientError) as e:
            client.list_accounts()
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "AWSOrganizationsNotInUseException")

    def test_an_scp_on_the_member_bounds_what_it_was_delegated(self):
        """Cross-account as it is, the member's side keeps its SCPs."""
        scp = self.attach_scp(json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "organizations:ListAccounts", "Resource": "*"}]}),
            self.member, "no-list-accounts")
        try:
            with self.assertRaises(ClientError) as e:
                self.attacker.list_accounts()
            self.assertIn(e.exception.response["Error"]["Code"],
                          {"AccessDeniedException", "AccessDenied"})
            self.attacker.list_roots()
        finally:
            self.org_client.detach_policy(PolicyId=scp, TargetId=self.member)
            self.org_client.delete_policy(PolicyId=scp)
