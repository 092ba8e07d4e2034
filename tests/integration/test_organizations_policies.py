"""Organizations policies against a running gatehouse, with boto3 and the AWS CLI: enabling and
disabling policy types on the root, service control policies and tag policies (create, describe,
update, list, delete) with AWS's errors and quotas, the AWS-managed FullAWSAccess, attaching and
detaching with their limits, authorization of both the policy and the target, and SCPs never
restricting the management account.

Run: python3 -m unittest test_organizations_policies (from tests/integration), GATEHOUSE_BIN set
(ctest sets it).
"""
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

SCP = "SERVICE_CONTROL_POLICY"
FULL_ACCESS = "p-FullAWSAccess"
FULL_ACCESS_CONTENT = {"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def deny(*actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": list(actions), "Resource": "*"}]})


class OrganizationTestCase(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.admin("organizations")
        cls.organization = cls.org.create_organization(FeatureSet="ALL")["Organization"]
        cls.root = cls.org.list_roots()["Roots"][0]["Id"]

    def assertError(self, call, code, reason=None, message=None, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        response = e.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        if reason is not None:
            self.assertEqual(response.get("Reason"), reason, response)
        if message is not None:
            self.assertEqual(response["Error"]["Message"], message)
        return response


class PolicyTypesTest(OrganizationTestCase):
    def types(self, root):
        return {t["Type"]: t["Status"] for t in root["PolicyTypes"]}

    def test_enable_and_disable(self):
        root = self.org.enable_policy_type(RootId=self.root, PolicyType=SCP)["Root"]
        self.assertEqual(root["Id"], self.root)
        self.assertEqual(self.types(root), {SCP: "ENABLED"})
        self.assertEqual(self.types(self.org.list_roots()["Roots"][0]), {SCP: "ENABLED"})
        self.assertError(self.org.enable_policy_type, "PolicyTypeAlreadyEnabledException",
                         RootId=self.root, PolicyType=SCP)
        root = self.org.enable_policy_type(RootId=self.root, PolicyType="TAG_POLICY")["Root"]
        self.assertEqual(self.types(root), {SCP: "ENABLED", "TAG_POLICY": "ENABLED"})
        root = self.org.disable_policy_type(RootId=self.root, PolicyType="TAG_POLICY")["Root"]
        self.assertEqual(self.types(root), {SCP: "ENABLED"})
        self.assertError(self.org.disable_policy_type, "PolicyTypeNotEnabledException",
                         RootId=self.root, PolicyType="TAG_POLICY")

        # Disabling SCPs detaches them all; enabling them again attaches FullAWSAccess only.
        policy = self.org.create_policy(Name="NoUsers", Description="", Type=SCP,
                                        Content=deny("iam:CreateUser"))["Policy"]
        policy_id = policy["PolicySummary"]["Id"]
        self.org.attach_policy(PolicyId=policy_id, TargetId=self.root)
        self.org.detach_policy(PolicyId=FULL_ACCESS, TargetId=self.root)
        self.org.disable_policy_type(RootId=self.root, PolicyType=SCP)
        self.assertEqual(self.org.list_policies_for_target(TargetId=self.root,
                                                           Filter=SCP)["Policies"], [])
        self.assertError(self.org.attach_policy, "PolicyTypeNotEnabledException",
                         PolicyId=policy_id, TargetId=self.root)
        self.org.enable_policy_type(RootId=self.root, PolicyType=SCP)
        attached = self.org.list_policies_for_target(TargetId=self.root, Filter=SCP)["Policies"]
        self.assertEqual([p["Id"] for p in attached], [FULL_ACCESS])
        self.org.delete_policy(PolicyId=policy_id)

    def test_errors(self):
        self.assertError(self.org.enable_policy_type, "RootNotFoundException",
                         RootId="r-zz99", PolicyType=SCP)
        self.assertError(self.org.disable_policy_type, "RootNotFoundException",
                         RootId="r-zz99", PolicyType=SCP)
        self.assertError(self.org.enable_policy_type, "InvalidInputException",
                         RootId=self.root, PolicyType="NO_SUCH_POLICY")

    def test_cli(self):
        code, out, err = self.aws_cli("organizations", "list-roots")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Roots"][0]["Id"], self.root)


class ConsolidatedBillingTest(GatehouseTestCase):
    def test_policy_types_are_unavailable(self):
        org = self.admin("organizations")
        org.create_organization(FeatureSet="CONSOLIDATED_BILLING")
        root = org.list_roots()["Roots"][0]["Id"]
        for call, kwargs in [
                (org.enable_policy_type, {"RootId": root, "PolicyType": SCP}),
                (org.create_policy, {"Name": "x", "Description": "", "Type": SCP,
                                     "Content": deny("iam:CreateUser")})]:
            with self.assertRaises(ClientError) as e:
                call(**kwargs)
            self.assertEqual(e.exception.response["Error"]["Code"],
                             "PolicyTypeNotAvailableForOrganizationException")
        names = [p["Id"] for p in org.list_policies(Filter=SCP)["Policies"]]
        self.assertEqual(names, [])


class PoliciesTest(OrganizationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org.enable_policy_type(RootId=cls.root, PolicyType=SCP)

    def create(self, name, content=None, type_=SCP, **kwargs):
        return self.org.create_policy(Name=name, Description=kwargs.pop("Description", ""),
                                      Type=type_, Content=content or deny("s3:DeleteBucket"),
                                      **kwargs)["Policy"]

    def test_full_aws_access(self):
        summaries = self.org.list_policies(Filter=SCP)["Policies"]
        full = [p for p in summaries if p["Id"] == FULL_ACCESS]
        self.assertEqual(len(full), 1)
        self.assertTrue(full[0]["AwsManaged"])
        self.assertEqual(full[0]["Name"], "FullAWSAccess")
        self.assertEqual(full[0]["Arn"],
                         "arn:aws:organizations::aws:policy/service_control_policy/"
                         "p-FullAWSAccess")
        policy = self.org.describe_policy(PolicyId=FULL_ACCESS)["Policy"]
        self.assertEqual(json.loads(policy["Content"]), FULL_ACCESS_CONTENT)
        self.assertError(self.org.update_policy, "InvalidInputException", "IMMUTABLE_POLICY",
                         PolicyId=FULL_ACCESS, Name="Mine")
        self.assertError(self.org.delete_policy, "InvalidInputException", "IMMUTABLE_POLICY",
                         PolicyId=FULL_ACCESS)
        # Attached to the root when the organization was made.
        targets = self.org.list_targets_for_policy(PolicyId=FULL_ACCESS)["Targets"]
        self.assertIn({"TargetId": self.root, "Arn": "arn:aws:organizations::%s:root/%s/%s"
                       % (self.account, self.organization["Id"], self.root),
                       "Name": "Root", "Type": "ROOT"}, targets)

    def test_lifecycle(self):
        policy = self.create("Lifecycle", Description="first", Tags=[{"Key": "k", "Value": "v"}])
        summary = policy["PolicySummary"]
        self.assertRegex(summary["Id"], r"^p-[0-9a-z]{8}$")
        self.assertEqual(summary["Arn"], "arn:aws:organizations::%s:policy/%s/"
                         "service_control_policy/%s" % (self.account, self.organization["Id"],
                                                        summary["Id"]))
        self.assertEqual((summary["Name"], summary["Description"], summary["Type"],
                          summary["AwsManaged"]), ("Lifecycle", "first", SCP, False))
        described = self.org.describe_policy(PolicyId=summary["Id"])["Policy"]
        self.assertEqual(described, policy)
        updated = self.org.update_policy(PolicyId=summary["Id"], Name="Renamed",
                                         Description="second",
                                         Content=deny("iam:DeleteRole"))["Policy"]
        self.assertEqual(updated["PolicySummary"]["Name"], "Renamed")
        self.assertEqual(updated["PolicySummary"]["Description"], "second")
        self.assertEqual(json.loads(updated["Content"])["Statement"][0]["Action"],
                         ["iam:DeleteRole"])
        self.assertEqual(self.org.describe_policy(PolicyId=summary["Id"])["Policy"], updated)
        self.assertIn("Renamed", [p["Name"] for p in
                                  self.org.list_policies(Filter=SCP)["Policies"]])
        self.org.delete_policy(PolicyId=summary["Id"])
        self.assertError(self.org.describe_policy, "PolicyNotFoundException",
                         PolicyId=summary["Id"],
                         message="We can't find a policy with the PolicyId that you specified.")
        self.assertError(self.org.delete_policy, "PolicyNotFoundException",
                         PolicyId=summary["Id"])
        self.assertError(self.org.update_policy, "PolicyNotFoundException",
                         PolicyId=summary["Id"], Name="x")

    def test_content_rules(self):
        with_principal = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]})
        for content in [with_principal, "not json", json.dumps({"Statement": []}),
                        json.dumps({"Version": "2008-10-17", "Statement": [
                            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})]:
            self.assertError(self.org.create_policy, "MalformedPolicyDocumentException",
                             Name="Bad", Description="", Type=SCP, Content=content)
        # Current SCP syntax: conditions, NotAction and NotResource in Allow statements too.
        allow_with_condition = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b",
             "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]})
        self.org.delete_policy(PolicyId=self.create("Conditional", allow_with_condition)
                               ["PolicySummary"]["Id"])

        statement = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
        big = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 100})
        self.assertGreater(len(big), 5120)
        self.assertError(self.org.create_policy, "ConstraintViolationException",
                         "POLICY_CONTENT_LIMIT_EXCEEDED", Name="Big", Description="", Type=SCP,
                         Content=big)
        policy_id = self.create("Small")["PolicySummary"]["Id"]
        self.assertError(self.org.update_policy, "ConstraintViolationException",
                         "POLICY_CONTENT_LIMIT_EXCEEDED", PolicyId=policy_id, Content=big)
        self.assertError(self.org.update_policy, "MalformedPolicyDocumentException",
                         PolicyId=policy_id, Content=with_principal)
        self.org.delete_policy(PolicyId=policy_id)

    def test_names(self):
        first = self.create("Unique")["PolicySummary"]["Id"]
        self.assertError(self.org.create_policy, "DuplicatePolicyException",
                         Name="Unique", Description="", Type=SCP, Content=deny("s3:*"),
                         message="A policy with the same name already exists.")
        second = self.create("Other")["PolicySummary"]["Id"]
        self.assertError(self.org.update_policy, "DuplicatePolicyException",
                         PolicyId=second, Name="Unique")
        # A tag policy may share an SCP's name; tag policies need not be enabled to be made.
        tag = self.create("Unique", json.dumps({"tags": {}}), "TAG_POLICY")["PolicySummary"]
        self.assertEqual(tag["Type"], "TAG_POLICY")
        self.assertEqual(tag["Arn"].split("/")[-2], "tag_policy")
        self.assertEqual([p["Id"] for p in self.org.list_policies(Filter="TAG_POLICY")
                          ["Policies"]], [tag["Id"]])
        for policy_id in (first, second, tag["Id"]):
            self.org.delete_policy(PolicyId=policy_id)

    def test_list_pagination(self):
        made = [self.create("Paged%d" % i)["PolicySummary"]["Id"] for i in range(3)]
        seen, token = [], None
        while True:
            kwargs = {"NextToken": token} if token else {}
            page = self.org.list_policies(Filter=SCP, MaxResults=1, **kwargs)
            self.assertLessEqual(len(page["Policies"]), 1)
            seen += [p["Id"] for p in page["Policies"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(set(made + [FULL_ACCESS]) <= set(seen))
        paginated = self.org.get_paginator("list_policies").paginate(
            Filter=SCP, PaginationConfig={"PageSize": 2})
        self.assertEqual(sorted(p["Id"] for page in paginated for p in page["Policies"]),
                         sorted(seen))
        for policy_id in made:
            self.org.delete_policy(PolicyId=policy_id)

    def test_attachments(self):
        ou = self.org.create_organizational_unit(ParentId=self.root, Name="Attach")
        ou = ou["OrganizationalUnit"]
        policy_id = self.create("AttachMe")["PolicySummary"]["Id"]
        self.org.attach_policy(PolicyId=policy_id, TargetId=ou["Id"])
        attached = self.org.list_policies_for_target(TargetId=ou["Id"], Filter=SCP)["Policies"]
        self.assertEqual(sorted(p["Id"] for p in attached), sorted([FULL_ACCESS, policy_id]))
        self.assertEqual(self.org.list_policies_for_target(TargetId=ou["Id"],
                                                           Filter="TAG_POLICY")["Policies"], [])
        self.assertEqual(self.org.list_targets_for_policy(PolicyId=policy_id)["Targets"],
                         [{"TargetId": ou["Id"], "Arn": ou["Arn"], "Name": "Attach",
                           "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertError(self.org.attach_policy, "DuplicatePolicyAttachmentException",
                         PolicyId=policy_id, TargetId=ou["Id"])
        self.assertError(self.org.delete_policy, "PolicyInUseException", PolicyId=policy_id)
        self.assertError(self.org.attach_policy, "TargetNotFoundException",
                         PolicyId=policy_id, TargetId="ou-zz99-zzzzzzzz")
        self.assertError(self.org.attach_policy, "PolicyNotFoundException",
                         PolicyId="p-zzzzzzzz", TargetId=ou["Id"])
        self.assertError(self.org.list_policies_for_target, "TargetNotFoundException",
                         TargetId="ou-zz99-zzzzzzzz", Filter=SCP)
        self.assertError(self.org.list_targets_for_policy, "PolicyNotFoundException",
                         PolicyId="p-zzzzzzzz")
        # A tag policy cannot be attached while tag policies are disabled.
        tag_id = self.create("Tags", json.dumps({"tags": {}}), "TAG_POLICY")["PolicySummary"]["Id"]
        self.assertError(self.org.attach_policy, "PolicyTypeNotEnabledException",
                         PolicyId=tag_id, TargetId=ou["Id"])

        # At most five SCPs on one target.
        more = [self.create("More%d" % i)["PolicySummary"]["Id"] for i in range(4)]
        for extra in more[:3]:
            self.org.attach_policy(PolicyId=extra, TargetId=ou["Id"])
        self.assertError(self.org.attach_policy, "ConstraintViolationException",
                         "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                         PolicyId=more[3], TargetId=ou["Id"])
        # And at least one while SCPs are enabled.
        for detached in [FULL_ACCESS] + more[:3]:
            self.org.detach_policy(PolicyId=detached, TargetId=ou["Id"])
        self.assertError(self.org.detach_policy, "ConstraintViolationException",
                         "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                         PolicyId=policy_id, TargetId=ou["Id"])
        self.assertError(self.org.detach_policy, "PolicyNotAttachedException",
                         PolicyId=FULL_ACCESS, TargetId=ou["Id"])
        self.org.attach_policy(PolicyId=FULL_ACCESS, TargetId=ou["Id"])
        self.org.detach_policy(PolicyId=policy_id, TargetId=ou["Id"])
        self.assertEqual(self.org.list_targets_for_policy(PolicyId=policy_id)["Targets"], [])
        for p in [policy_id, tag_id] + more:
            self.org.delete_policy(PolicyId=p)
        self.org.delete_organizational_unit(OrganizationalUnitId=ou["Id"])

    def test_attach_authorizes_the_policy_and_the_target(self):
        policy = self.create("Guarded")["PolicySummary"]
        ou = self.org.create_organizational_unit(ParentId=self.root,
                                                 Name="Guarded")["OrganizationalUnit"]
        only_policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "organizations:AttachPolicy",
             "Resource": policy["Arn"]}]})
        user = self.new_user_client("organizations", "attacher", only_policy)
        with self.assertRaises(ClientError) as e:
            user.attach_policy(PolicyId=policy["Id"], TargetId=ou["Id"])
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn(ou["Arn"], e.exception.response["Error"]["Message"])

        only_target = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "organizations:AttachPolicy", "Resource": ou["Arn"]}]})
        user = self.new_user_client("organizations", "attacher2", only_target)
        with self.assertRaises(ClientError) as e:
            user.attach_policy(PolicyId=policy["Id"], TargetId=ou["Id"])
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn(policy["Arn"], e.exception.response["Error"]["Message"])

        both = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["organizations:AttachPolicy",
                                           "organizations:DetachPolicy"],
             "Resource": [policy["Arn"], ou["Arn"]]}]})
        user = self.new_user_client("organizations", "attacher3", both)
        user.attach_policy(PolicyId=policy["Id"], TargetId=ou["Id"])
        user.detach_policy(PolicyId=policy["Id"], TargetId=ou["Id"])
        self.org.delete_policy(PolicyId=policy["Id"])
        self.org.delete_organizational_unit(OrganizationalUnitId=ou["Id"])

    def test_scps_never_restrict_the_management_account(self):
        iam = self.admin("iam")
        policy_id = self.create("DenyUsers", deny("iam:CreateUser"))["PolicySummary"]["Id"]
        self.org.attach_policy(PolicyId=policy_id, TargetId=self.root)
        self.org.attach_policy(PolicyId=policy_id, TargetId=self.account)
        try:
            iam.create_user(UserName="still-allowed")
            code, out, err = self.aws_cli("iam", "create-user", "--user-name", "cli-allowed")
            self.assertEqual(code, 0, err)
            iam.delete_user(UserName="still-allowed")
            iam.delete_user(UserName="cli-allowed")
        finally:
            self.org.detach_policy(PolicyId=policy_id, TargetId=self.root)
            self.org.detach_policy(PolicyId=policy_id, TargetId=self.account)
            self.org.delete_policy(PolicyId=policy_id)

    def test_cli(self):
        code, out, err = self.aws_cli("organizations", "create-policy", "--name", "FromCli",
                                      "--description", "made by the CLI", "--type", SCP,
                                      "--content", deny("ec2:*"))
        self.assertEqual(code, 0, err)
        policy_id = json.loads(out)["Policy"]["PolicySummary"]["Id"]
        code, out, err = self.aws_cli("organizations", "list-policies", "--filter", SCP)
        self.assertEqual(code, 0, err)
        self.assertIn(policy_id, [p["Id"] for p in json.loads(out)["Policies"]])
        code, out, err = self.aws_cli("organizations", "attach-policy", "--policy-id", policy_id,
                                      "--target-id", "r-zz99")
        self.assertNotEqual(code, 0)
        self.assertIn("TargetNotFoundException", err)
        code, out, err = self.aws_cli("organizations", "delete-policy", "--policy-id", policy_id)
        self.assertEqual(code, 0, err)


if __name__ == "__main__":
    unittest.main()
