"""DescribeEffectivePolicy driven with boto3 and the AWS CLI against `gatehouse serve`: tag
policies attached to the root, an OU and an account merged by AWS's inheritance operators, a
child control operator the levels below cannot get past, each account asking for its own and
only the management account for another's, and AWS's errors.
"""
import json
import warnings


from gatehouse_fixture import GatehouseTestCase

TAG = "TAG_POLICY"


def tag_policy(value_node):
    return json.dumps({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"},
                                               "tag_value": value_node}}})


class EffectivePolicyTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.admin("organizations")
        cls.org.create_organization(FeatureSet="ALL")
        cls.root = cls.org.list_roots()["Roots"][0]["Id"]
        cls.org.enable_policy_type(RootId=cls.root, PolicyType=TAG)
        cls.ou = cls.org.create_organizational_unit(ParentId=cls.root,
                                                    Name="finance")["OrganizationalUnit"]["Id"]
        cls.member = cls.created_account("finance@example.com", "finance")
        cls.org.move_account(AccountId=cls.member, SourceParentId=cls.root,
                             DestinationParentId=cls.ou)
        cls.bare = cls.created_account("bare@example.com", "bare")

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def attach(self, name, content, target):
        policy = self.org.create_policy(Content=content, Description=name, Name=name,
                                        Type=TAG)["Policy"]["PolicySummary"]["Id"]
        self.org.attach_policy(PolicyId=policy, TargetId=target)
        self.addCleanup(self.org.delete_policy, PolicyId=policy)
        self.addCleanup(self.org.detach_policy, PolicyId=policy, TargetId=target)

    def effective(self, client=None, **kwargs):
        answer = (client or self.org).describe_effective_policy(PolicyType=TAG, **kwargs)
        self.assertEqual(answer["EffectivePolicy"]["PolicyType"], TAG)
        return answer["EffectivePolicy"]

    def test_policies_merge_from_the_root_down(self):
        self.attach("root-values", tag_policy({
            "@@assign": ["100", "200"],
            "@@operators_allowed_for_child_policies": ["@@append", "@@remove"]}), self.root)
        self.attach("ou-adds", tag_policy({"@@append": ["300"]}), self.ou)
        self.attach("account-tries", tag_policy({"@@assign": ["999"]}), self.member)
        self.attach("account-removes", tag_policy({"@@remove": ["100"]}), self.member)
        effective = self.effective(TargetId=self.member)
        self.assertEqual(effective["TargetId"], self.member)
        self.assertEqual(json.loads(effective["PolicyContent"]), {"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["200", "300"]}}}})
        # The account under the root alone has the root's values.
        bare = json.loads(self.effective(TargetId=self.bare)["PolicyContent"])
        self.assertEqual(bare["tags"]["costcenter"]["tag_value"], {"@@assign": ["100", "200"]})

        # A member account asks for its own, and only its own.
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.member,
            RoleSessionName="effective")["Credentials"]
        member = self.session_client("organizations", creds)
        self.assertEqual(self.effective(member)["PolicyContent"], effective["PolicyContent"])
        self.assertOrgError(member.describe_effective_policy, "AccessDeniedException",
                            PolicyType=TAG, TargetId=self.bare)

    def test_errors(self):
        self.assertOrgError(self.org.describe_effective_policy, "EffectivePolicyNotFoundException",
                            PolicyType=TAG, TargetId=self.bare)
        self.assertOrgError(self.org.describe_effective_policy, "InvalidInputException",
                            "TARGET_NOT_SUPPORTED", PolicyType=TAG, TargetId=self.ou)
        self.assertOrgError(self.org.describe_effective_policy, "TargetNotFoundException",
                            PolicyType=TAG, TargetId="111111111111")
        self.assertOrgError(self.org.describe_effective_policy, "InvalidInputException",
                            PolicyType="SERVICE_CONTROL_POLICY")

    def test_aws_cli(self):
        self.attach("cli", tag_policy({"@@assign": ["42"]}), self.bare)
        code, out, err = self.aws_cli("organizations", "describe-effective-policy",
                                      "--policy-type", TAG, "--target-id", self.bare)
        self.assertEqual(code, 0, err)
        content = json.loads(json.loads(out)["EffectivePolicy"]["PolicyContent"])
        self.assertEqual(content["tags"]["costcenter"]["tag_value"], {"@@assign": ["42"]})
