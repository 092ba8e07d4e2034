"""Delegated administrators and the organization's resource policy, driven with boto3 and the AWS
CLI against `gatehouse serve`: registering a member account for a service (with AWS's errors),
the read operations a delegated administrator may then call and the ones it may not, a
resource policy that lets a member account's role manage policies — and only what it names, and
only with the role's own permission too —, and a delegated administrator that must be
deregistered before it can leave.
"""
import json
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

SERVICE = "config.amazonaws.com"
SCP = "SERVICE_CONTROL_POLICY"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class DelegationTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.admin("organizations")
        cls.organization = cls.org.create_organization(FeatureSet="ALL")["Organization"]
        cls.root = cls.org.list_roots()["Roots"][0]["Id"]
        cls.org.enable_policy_type(RootId=cls.root, PolicyType=SCP)
        cls.member = cls.created_account("delegate@example.com", "delegate")
        cls.other = cls.created_account("other@example.com", "other")

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def tearDown(self):
        for admin in self.org.list_delegated_administrators()["DelegatedAdministrators"]:
            for service in self.org.list_delegated_services_for_account(
                    AccountId=admin["Id"])["DelegatedServices"]:
                self.org.deregister_delegated_administrator(
                    AccountId=admin["Id"], ServicePrincipal=service["ServicePrincipal"])
        try:
            self.org.delete_resource_policy()
        except ClientError:
            pass

    def member_client(self, account, service="organizations"):
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account,
            RoleSessionName="delegate")["Credentials"]
        return self.session_client(service, creds)

    def test_register_list_deregister(self):
        self.org.register_delegated_administrator(AccountId=self.member, ServicePrincipal=SERVICE)
        self.org.register_delegated_administrator(AccountId=self.member,
                                                  ServicePrincipal="backup.amazonaws.com")
        admins = self.org.list_delegated_administrators()["DelegatedAdministrators"]
        self.assertEqual([a["Id"] for a in admins], [self.member])
        self.assertEqual(admins[0]["Email"], "delegate@example.com")
        self.assertIn("DelegationEnabledDate", admins[0])
        self.assertEqual(self.org.list_delegated_administrators(
            ServicePrincipal="backup.amazonaws.com")["DelegatedAdministrators"][0]["Id"],
            self.member)
        self.assertEqual(self.org.list_delegated_administrators(
            ServicePrincipal="guardduty.amazonaws.com")["DelegatedAdministrators"], [])
        services = self.org.list_delegated_services_for_account(
            AccountId=self.member)["DelegatedServices"]
        self.assertEqual(sorted(s["ServicePrincipal"] for s in services),
                         ["backup.amazonaws.com", SERVICE])

        self.assertOrgError(self.org.register_delegated_administrator,
                            "AccountAlreadyRegisteredException", AccountId=self.member,
                            ServicePrincipal=SERVICE)
        self.assertOrgError(self.org.register_delegated_administrator,
                            "ConstraintViolationException",
                            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
                            AccountId=self.account, ServicePrincipal=SERVICE)
        self.assertOrgError(self.org.register_delegated_administrator,
                            "AccountNotFoundException", AccountId="111111111111",
                            ServicePrincipal=SERVICE)
        self.assertOrgError(self.org.register_delegated_administrator, "InvalidInputException",
                            "UNRECOGNIZED_SERVICE_PRINCIPAL", AccountId=self.member,
                            ServicePrincipal="nothing.example.com")
        self.assertOrgError(self.org.list_delegated_services_for_account,
                            "AccountNotRegisteredException", AccountId=self.other)

        self.org.deregister_delegated_administrator(AccountId=self.member,
                                                    ServicePrincipal=SERVICE)
        self.org.deregister_delegated_administrator(AccountId=self.member,
                                                    ServicePrincipal="backup.amazonaws.com")
        self.assertOrgError(self.org.deregister_delegated_administrator,
                            "AccountNotRegisteredException", AccountId=self.member,
                            ServicePrincipal=SERVICE)
        self.assertEqual(self.org.list_delegated_administrators()["DelegatedAdministrators"], [])

    def test_a_delegated_administrator_reads_the_organization(self):
        delegate = self.member_client(self.member)
        self.assertOrgError(delegate.list_accounts, "AccessDeniedException")
        self.org.register_delegated_administrator(AccountId=self.member, ServicePrincipal=SERVICE)
        accounts = {a["Id"] for a in delegate.list_accounts()["Accounts"]}
        self.assertEqual(accounts, {self.account, self.member, self.other})
        self.assertEqual(delegate.describe_account(AccountId=self.other)["Account"]["Name"],
                         "other")
        self.assertEqual(delegate.list_roots()["Roots"][0]["Id"], self.root)
        self.assertEqual(len(delegate.list_delegated_administrators()["DelegatedAdministrators"]),
                         1)
        # Reading is all it may do.
        self.assertOrgError(delegate.create_policy, "AccessDeniedException",
                            Content=document({"Effect": "Deny", "Action": "s3:*",
                                              "Resource": "*"}),
                            Description="x", Name="x", Type=SCP)
        self.assertOrgError(delegate.remove_account_from_organization, "AccessDeniedException",
                            AccountId=self.other)
        self.assertOrgError(delegate.register_delegated_administrator, "AccessDeniedException",
                            AccountId=self.other, ServicePrincipal=SERVICE)
        # Another member account reads nothing.
        self.assertOrgError(self.member_client(self.other).list_accounts,
                            "AccessDeniedException")
        # Deregistered, it reads nothing either.
        self.org.deregister_delegated_administrator(AccountId=self.member,
                                                    ServicePrincipal=SERVICE)
        self.assertOrgError(delegate.list_accounts, "AccessDeniedException")

    def policy_manager_policy(self, actions, resource="*"):
        return document({
            "Sid": "Delegate", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::%s:root" % self.member},
            "Action": actions, "Resource": resource})

    def test_the_resource_policy_delegates_policy_management(self):
        delegate = self.member_client(self.member)
        content = document({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
        self.assertOrgError(delegate.create_policy, "AccessDeniedException", Content=content,
                            Description="d", Name="delegated", Type=SCP)

        put = self.org.put_resource_policy(Content=self.policy_manager_policy(
            ["organizations:CreatePolicy", "organizations:AttachPolicy",
             "organizations:DetachPolicy", "organizations:DeletePolicy",
             "organizations:Describe*", "organizations:List*"]))["ResourcePolicy"]
        summary = put["ResourcePolicySummary"]
        self.assertRegex(summary["Id"], r"^rp-[a-z0-9]{8}$")
        self.assertEqual(summary["Arn"], "arn:aws:organizations::%s:resourcepolicy/%s/%s"
                         % (self.account, self.organization["Id"], summary["Id"]))
        self.assertEqual(self.org.describe_resource_policy()["ResourcePolicy"]["Content"],
                         put["Content"])

        policy = delegate.create_policy(Content=content, Description="d", Name="delegated",
                                        Type=SCP)["Policy"]["PolicySummary"]["Id"]
        delegate.attach_policy(PolicyId=policy, TargetId=self.other)
        self.assertIn(policy, [p["Id"] for p in self.org.list_policies_for_target(
            TargetId=self.other, Filter=SCP)["Policies"]])
        self.assertEqual(delegate.describe_resource_policy()["ResourcePolicy"]["Content"],
                         put["Content"])
        # What the policy does not name stays refused.
        self.assertOrgError(delegate.update_policy, "AccessDeniedException", PolicyId=policy,
                            Name="renamed")
        self.assertOrgError(delegate.move_account, "AccessDeniedException", AccountId=self.other,
                            SourceParentId=self.root, DestinationParentId=self.root)
        self.assertOrgError(delegate.put_resource_policy, "AccessDeniedException",
                            Content=self.policy_manager_policy("organizations:*"))
        # A principal the policy does not name gets nothing.
        self.assertOrgError(self.member_client(self.other).list_policies,
                            "AccessDeniedException", Filter=SCP)
        delegate.detach_policy(PolicyId=policy, TargetId=self.other)
        delegate.delete_policy(PolicyId=policy)

        # Without the resource policy the delegation ends at once.
        self.org.delete_resource_policy()
        self.assertOrgError(delegate.list_policies, "AccessDeniedException", Filter=SCP)
        self.assertOrgError(self.org.describe_resource_policy,
                            "ResourcePolicyNotFoundException")

    def test_the_callers_own_policies_must_allow_too(self):
        """A cross-account request: the resource policy alone is not enough."""
        self.org.put_resource_policy(Content=self.policy_manager_policy("organizations:List*"))
        iam = self.member_client(self.member, "iam")
        iam.create_user(UserName="reader")
        iam.put_user_policy(UserName="reader", PolicyName="nothing-of-organizations",
                            PolicyDocument=document({"Effect": "Allow", "Action": "s3:*",
                                                     "Resource": "*"}))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        reader = self.client("organizations", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(ClientError) as e:
            reader.list_accounts()
        self.assertIn(e.exception.response["Error"]["Code"],
                      {"AccessDeniedException", "AccessDenied"})
        # The role of the account, allowed by its own policy, may.
        self.assertEqual(len(self.member_client(self.member).list_accounts()["Accounts"]), 3)

    def test_resource_policies_refused(self):
        self.assertOrgError(self.org.put_resource_policy, "InvalidInputException",
                            "INVALID_RESOURCE_POLICY_JSON", Content="not json")
        for action in ("organizations:CreateAccount", "iam:CreateUser",
                       "organizations:RemoveAccountFromOrganization"):
            self.assertOrgError(self.org.put_resource_policy, "InvalidInputException",
                                "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
                                Content=self.policy_manager_policy(action))
        self.assertOrgError(self.member_client(self.member).put_resource_policy,
                            "AccessDeniedException",
                            Content=self.policy_manager_policy("organizations:List*"))

    def test_a_delegated_administrator_cannot_leave_until_deregistered(self):
        leaving = self.created_account("leaving@example.com", "leaving")
        self.org.register_delegated_administrator(AccountId=leaving, ServicePrincipal=SERVICE)
        self.assertOrgError(self.org.remove_account_from_organization,
                            "ConstraintViolationException",
                            "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG", AccountId=leaving)
        self.org.deregister_delegated_administrator(AccountId=leaving, ServicePrincipal=SERVICE)
        self.org.remove_account_from_organization(AccountId=leaving)
        self.assertOrgError(self.org.register_delegated_administrator,
                            "AccountNotFoundException", AccountId=leaving,
                            ServicePrincipal=SERVICE)

    def test_aws_cli(self):
        code, out, err = self.aws_cli("organizations", "register-delegated-administrator",
                                      "--account-id", self.member,
                                      "--service-principal", SERVICE)
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("organizations", "list-delegated-administrators")
        self.assertEqual(code, 0, err)
        self.assertEqual([a["Id"] for a in json.loads(out)["DelegatedAdministrators"]],
                         [self.member])
