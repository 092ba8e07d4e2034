"""Role policies and service-linked roles driven with boto3 and the AWS CLI against
`gatehouse serve`: inline policies (URL-encoded documents, the 10,240-character quota),
attached managed policies, and the service-linked role of Organizations with its protection,
deletion task and AWS's errors.
"""
import json
import os
import re
import urllib.parse

from botocore.exceptions import ClientError

from role_fixture import ADMIN_ARN, ALLOW_ALL, TRUST, RoleTestCase


class RolePoliciesTest(RoleTestCase):
    def test_inline_policies(self):
        iam = self.iam()
        self.create_role("inline-role")
        iam.put_role_policy(RoleName="inline-role", PolicyName="Read", PolicyDocument=ALLOW_ALL)
        iam.put_role_policy(RoleName="inline-role", PolicyName="another", PolicyDocument=ALLOW_ALL)
        got = iam.get_role_policy(RoleName="INLINE-ROLE", PolicyName="read")
        self.assertEqual(got["RoleName"], "inline-role")
        self.assertEqual(got["PolicyName"], "Read")
        self.assertEqual(got["PolicyDocument"], json.loads(ALLOW_ALL))
        # Replacing keeps the name as first written.
        iam.put_role_policy(RoleName="inline-role", PolicyName="READ", PolicyDocument=ALLOW_ALL)
        listed = iam.list_role_policies(RoleName="inline-role")
        self.assertEqual(listed["PolicyNames"], ["Read", "another"])
        self.assertFalse(listed["IsTruncated"])
        page = iam.list_role_policies(RoleName="inline-role", MaxItems=1)
        self.assertEqual(page["PolicyNames"], ["Read"])
        self.assertTrue(page["IsTruncated"])
        rest = iam.list_role_policies(RoleName="inline-role", Marker=page["Marker"])
        self.assertEqual(rest["PolicyNames"], ["another"])
        iam.delete_role_policy(RoleName="inline-role", PolicyName="another")
        with self.assertRaises(ClientError) as ctx:
            iam.get_role_policy(RoleName="inline-role", PolicyName="another")
        self.assert_error(ctx, "NoSuchEntity",
                          "The role policy with name another cannot be found.", 404)
        with self.assertRaises(ClientError) as ctx:
            iam.delete_role_policy(RoleName="inline-role", PolicyName="another")
        self.assert_error(ctx, "NoSuchEntity",
                          "The role policy with name another cannot be found.", 404)
        with self.assertRaises(ClientError) as ctx:
            iam.put_role_policy(RoleName="ghost", PolicyName="p", PolicyDocument=ALLOW_ALL)
        self.assert_error(ctx, "NoSuchEntity", "The role with name ghost cannot be found.", 404)

    def test_inline_policy_document_is_url_encoded_on_the_wire(self):
        iam = self.iam()
        self.create_role("wire-role")
        iam.put_role_policy(RoleName="wire-role", PolicyName="p", PolicyDocument=ALLOW_ALL)
        raw = {}

        def keep(http_response, **_):
            raw["body"] = http_response.text
        iam.meta.events.register("after-call.iam.GetRolePolicy", keep)
        iam.get_role_policy(RoleName="wire-role", PolicyName="p")
        encoded = re.search(r"<PolicyDocument>(.*)</PolicyDocument>", raw["body"]).group(1)
        self.assertEqual(urllib.parse.unquote(encoded), ALLOW_ALL)
        self.assertNotIn("{", encoded)

    def test_inline_policy_errors(self):
        iam = self.iam()
        self.create_role("quota-role")
        with self.assertRaises(ClientError) as ctx:
            iam.put_role_policy(RoleName="quota-role", PolicyName="bad",
                                PolicyDocument=json.dumps({"Version": "2012-10-17",
                                                           "Statement": [{"Effect": "Allow",
                                                                          "Action": "s3:*"}]}))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "MalformedPolicyDocument")

        def policy(size):
            base = json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::"}]},
                separators=(",", ":"))
            return base.replace("arn:aws:s3:::", "arn:aws:s3:::" + "b" * (size - len(base)))

        iam.put_role_policy(RoleName="quota-role", PolicyName="one", PolicyDocument=policy(5120))
        iam.put_role_policy(RoleName="quota-role", PolicyName="two", PolicyDocument=policy(5120))
        with self.assertRaises(ClientError) as ctx:
            iam.put_role_policy(RoleName="quota-role", PolicyName="three",
                                PolicyDocument=policy(200))
        self.assert_error(ctx, "LimitExceeded",
                          "Maximum policy size of 10240 bytes exceeded for role quota-role", 409)
        # Replacing a policy does not count the one it replaces.
        iam.put_role_policy(RoleName="quota-role", PolicyName="TWO", PolicyDocument=policy(5120))

    def test_attached_policies(self):
        iam = self.iam()
        self.create_role("attached-role")
        iam.attach_role_policy(RoleName="attached-role", PolicyArn=ADMIN_ARN)
        iam.attach_role_policy(RoleName="attached-role", PolicyArn=ADMIN_ARN)  # no-op
        listed = iam.list_attached_role_policies(RoleName="attached-role")
        self.assertEqual(listed["AttachedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}])
        self.assertEqual(iam.list_attached_role_policies(
            RoleName="attached-role", PathPrefix="/service-role/")["AttachedPolicies"], [])
        missing = "arn:aws:iam::%s:policy/missing" % self.account
        with self.assertRaises(ClientError) as ctx:
            iam.attach_role_policy(RoleName="attached-role", PolicyArn=missing)
        self.assert_error(ctx, "NoSuchEntity",
                          "Policy %s does not exist or is not attachable." % missing, 404)
        iam.detach_role_policy(RoleName="attached-role", PolicyArn=ADMIN_ARN)
        self.assertEqual(iam.list_attached_role_policies(
            RoleName="attached-role")["AttachedPolicies"], [])
        with self.assertRaises(ClientError) as ctx:
            iam.detach_role_policy(RoleName="attached-role", PolicyArn=ADMIN_ARN)
        self.assert_error(ctx, "NoSuchEntity", "Policy %s was not found." % ADMIN_ARN, 404)
        with self.assertRaises(ClientError) as ctx:
            iam.list_attached_role_policies(RoleName="ghost")
        self.assert_error(ctx, "NoSuchEntity", "The role with name ghost cannot be found.", 404)


    def test_aws_cli_role_policies(self):
        self.create_role("cli-policy-role")
        code, out, err = self.aws_cli("iam", "put-role-policy", "--role-name", "cli-policy-role",
                                      "--policy-name", "s3", "--policy-document", ALLOW_ALL)
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "get-role-policy", "--role-name", "cli-policy-role",
                                      "--policy-name", "s3")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), {"RoleName": "cli-policy-role", "PolicyName": "s3",
                                           "PolicyDocument": json.loads(ALLOW_ALL)})
        code, out, err = self.aws_cli("iam", "attach-role-policy", "--role-name",
                                      "cli-policy-role", "--policy-arn", ADMIN_ARN)
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "list-attached-role-policies", "--role-name",
                                      "cli-policy-role")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["AttachedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}])
        code, out, err = self.aws_cli("iam", "delete-role", "--role-name", "cli-policy-role")
        self.assertNotEqual(code, 0)
        self.assertIn("An error occurred (DeleteConflict) when calling the DeleteRole operation: "
                      "Cannot delete entity, must detach all policies first.", err)


class ServiceLinkedRolesTest(RoleTestCase):
    SERVICE = "organizations.amazonaws.com"
    NAME = "AWSServiceRoleForOrganizations"
    POLICY = "arn:aws:iam::aws:policy/aws-service-role/AWSOrganizationsServiceTrustPolicy"

    def protected(self, name):
        return ("Cannot perform the operation on the protected role '%s' - this role is only "
                "modifiable by AWS" % name)

    def test_service_linked_role_lifecycle(self):
        iam = self.iam()
        role = iam.create_service_linked_role(AWSServiceName=self.SERVICE)["Role"]
        path = "/aws-service-role/%s/" % self.SERVICE
        self.assertEqual(role["RoleName"], self.NAME)
        self.assertEqual(role["Path"], path)
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role%s%s" % (self.account, path, self.NAME))
        self.assertRegex(role["RoleId"], r"^AROA[A-Z2-7]{17}$")
        self.assertEqual(role["AssumeRolePolicyDocument"], {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": self.SERVICE},
                           "Action": "sts:AssumeRole"}]})
        self.assertTrue(role["Description"])
        got = iam.get_role(RoleName=self.NAME)["Role"]
        self.assertEqual(got["RoleId"], role["RoleId"])
        self.assertEqual(got["MaxSessionDuration"], 3600)
        self.assertEqual(iam.list_attached_role_policies(RoleName=self.NAME)["AttachedPolicies"],
                         [{"PolicyName": "AWSOrganizationsServiceTrustPolicy",
                           "PolicyArn": self.POLICY}])
        listed = iam.list_roles(PathPrefix="/aws-service-role/")["Roles"]
        self.assertEqual([r["RoleName"] for r in listed], [self.NAME])

        with self.assertRaises(ClientError) as ctx:
            iam.create_service_linked_role(AWSServiceName=self.SERVICE)
        self.assert_error(ctx, "InvalidInput",
                          "Service role name %s has been taken in this account, please try a "
                          "different suffix." % self.NAME, 400)

        # Only the service may change it; its description and tags stay open.
        refused = [
            lambda: iam.delete_role(RoleName=self.NAME),
            lambda: iam.update_assume_role_policy(RoleName=self.NAME, PolicyDocument=TRUST),
            lambda: iam.put_role_policy(RoleName=self.NAME, PolicyName="p",
                                        PolicyDocument=ALLOW_ALL),
            lambda: iam.delete_role_policy(RoleName=self.NAME, PolicyName="p"),
            lambda: iam.attach_role_policy(RoleName=self.NAME, PolicyArn=ADMIN_ARN),
            lambda: iam.detach_role_policy(RoleName=self.NAME, PolicyArn=self.POLICY),
            lambda: iam.put_role_permissions_boundary(RoleName=self.NAME,
                                                      PermissionsBoundary=ADMIN_ARN),
            lambda: iam.delete_role_permissions_boundary(RoleName=self.NAME),
        ]
        for call in refused:
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assert_error(ctx, "UnmodifiableEntity", self.protected(self.NAME), 400)
        with self.assertRaises(ClientError) as ctx:
            iam.update_role(RoleName=self.NAME, MaxSessionDuration=7200)
        self.assert_error(ctx, "UnmodifiableEntity",
                          "%s is an AWS service linked role, max session duration cannot be "
                          "changed." % self.NAME, 400)
        iam.create_instance_profile(InstanceProfileName="slr-profile")
        with self.assertRaises(ClientError) as ctx:
            iam.add_role_to_instance_profile(InstanceProfileName="slr-profile",
                                             RoleName=self.NAME)
        self.assert_error(ctx, "UnmodifiableEntity", self.protected(self.NAME), 400)
        # The simulator agrees with enforcement on every refused change, however broad the Allow.
        everything = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        results = iam.simulate_custom_policy(
            PolicyInputList=[everything], ResourceArns=[role["Arn"]],
            ActionNames=["iam:DeleteRole", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy",
                         "iam:PutRolePolicy", "iam:GetRole"])["EvaluationResults"]
        self.assertEqual([r["EvalDecision"] for r in results],
                         ["implicitDeny"] * 4 + ["allowed"])
        # Nor can a role be made under the reserved paths.
        for path in ("/aws-service-role/x.amazonaws.com/", "/aws-reserved/sso.amazonaws.com/"):
            with self.assertRaises(ClientError) as ctx:
                iam.create_role(RoleName="Squatter", Path=path, AssumeRolePolicyDocument=TRUST)
            self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidInput")
        iam.update_role(RoleName=self.NAME, Description="mine")
        iam.tag_role(RoleName=self.NAME, Tags=[{"Key": "k", "Value": "v"}])
        got = iam.get_role(RoleName=self.NAME)["Role"]
        self.assertEqual(got["Description"], "mine")
        self.assertEqual(got["Tags"], [{"Key": "k", "Value": "v"}])
        self.assertEqual(json.dumps(got["AssumeRolePolicyDocument"]),
                         json.dumps(role["AssumeRolePolicyDocument"]))

        task = iam.delete_service_linked_role(RoleName=self.NAME)["DeletionTaskId"]
        self.assertRegex(task, r"^task/aws-service-role/organizations\.amazonaws\.com/"
                               r"AWSServiceRoleForOrganizations/[0-9a-f]{8}-[0-9a-f]{4}-"
                               r"4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
        self.assertEqual(status["Status"], "SUCCEEDED")
        self.assertNotIn("Reason", status)
        with self.assertRaises(ClientError) as ctx:
            iam.get_role(RoleName=self.NAME)
        self.assert_error(ctx, "NoSuchEntity",
                          "The role with name %s cannot be found." % self.NAME, 404)
        with self.assertRaises(ClientError) as ctx:
            iam.delete_service_linked_role(RoleName=self.NAME)
        self.assert_error(ctx, "NoSuchEntity",
                          "The role with name %s cannot be found." % self.NAME, 404)
        # Created again after its deletion, with a new id and the policy attached again.
        again = iam.create_service_linked_role(AWSServiceName=self.SERVICE,
                                               Description="second")["Role"]
        self.assertNotEqual(again["RoleId"], role["RoleId"])
        self.assertEqual(again["Description"], "second")
        self.assertEqual(len(iam.list_attached_role_policies(
            RoleName=self.NAME)["AttachedPolicies"]), 1)
        iam.delete_service_linked_role(RoleName=self.NAME)

    def test_every_service_of_the_table_has_its_role(self):
        iam = self.iam()
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "src", "services", "iam",
                               "service_linked_roles.json")) as f:
            table = json.load(f)["roles"]
        self.assertGreater(len(table), 70)
        for spec in table:
            if spec["service"] == self.SERVICE:
                continue
            role = iam.create_service_linked_role(AWSServiceName=spec["service"])["Role"]
            self.assertEqual(role["RoleName"], spec["roleName"])
            self.assertEqual(role["Path"], "/aws-service-role/%s/" % spec["service"])
            attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(
                RoleName=spec["roleName"])["AttachedPolicies"]]
            self.assertEqual(attached, spec["policies"])
            iam.delete_service_linked_role(RoleName=spec["roleName"])
        # A service whose role takes a suffix makes one role per suffix.
        first = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com",
                                               CustomSuffix="fleet")["Role"]
        self.assertEqual(first["RoleName"], "AWSServiceRoleForAutoScaling_fleet")
        iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
        for name in ("AWSServiceRoleForAutoScaling_fleet", "AWSServiceRoleForAutoScaling"):
            iam.delete_service_linked_role(RoleName=name)

    def test_a_service_linked_roles_policy_is_read_but_never_attached_by_hand(self):
        iam = self.iam()
        acm = "arn:aws:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy"
        iam.create_service_linked_role(AWSServiceName="acm.amazonaws.com")
        self.addCleanup(iam.delete_service_linked_role, RoleName="AWSServiceRoleForCertificateManager")
        # The policy the role holds is one IAM describes, as AWS's Managed Policy Reference does.
        policy = iam.get_policy(PolicyArn=acm)["Policy"]
        self.assertEqual(policy["Path"], "/aws-service-role/")
        self.assertEqual(policy["DefaultVersionId"], "v1")
        self.assertEqual(policy["AttachmentCount"], 1)
        self.assertEqual(policy["Description"], "Amazon Certificate Manager Service Role Policy")
        document = iam.get_policy_version(PolicyArn=acm, VersionId="v1")["PolicyVersion"]["Document"]
        self.assertEqual(document["Statement"][0]["Action"],
                         ["acm-pca:IssueCertificate", "acm-pca:GetCertificate"])
        entities = iam.list_entities_for_policy(PolicyArn=acm)
        self.assertEqual([r["RoleName"] for r in entities["PolicyRoles"]],
                         ["AWSServiceRoleForCertificateManager"])
        # Only the service attaches it: to a role, a user or a group of the account, never.
        self.create_role("slr-customer")
        iam.create_user(UserName="slr-holder")
        iam.create_group(GroupName="slr-holders")
        for attach, kwargs, noun in (
                (iam.attach_role_policy, {"RoleName": "slr-customer"}, "a Customer Role"),
                (iam.attach_user_policy, {"UserName": "slr-holder"}, "a User"),
                (iam.attach_group_policy, {"GroupName": "slr-holders"}, "a Group")):
            with self.assertRaises(ClientError) as ctx:
                attach(PolicyArn=acm, **kwargs)
            self.assert_error(ctx, "PolicyNotAttachable",
                              "Cannot attach a Service Role Policy to %s." % noun, 400)
        self.assertEqual(
            iam.list_attached_role_policies(RoleName="slr-customer")["AttachedPolicies"], [])
        code, out, err = self.aws_cli("iam", "attach-role-policy", "--role-name", "slr-customer",
                                      "--policy-arn", acm)
        self.assertNotEqual(code, 0)
        self.assertIn("PolicyNotAttachable", err)
        code, out, err = self.aws_cli("iam", "get-policy", "--policy-arn", acm)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Policy"]["PolicyName"],
                         "CertificateManagerServiceRolePolicy")

    def test_service_linked_role_errors(self):
        iam = self.iam()
        with self.assertRaises(ClientError) as ctx:
            iam.create_service_linked_role(AWSServiceName="nothing.amazonaws.com")
        self.assert_error(ctx, "AccessDenied",
                          "Cannot find Service Linked Role template for nothing.amazonaws.com",
                          403)
        with self.assertRaises(ClientError) as ctx:
            iam.create_service_linked_role(AWSServiceName=self.SERVICE, CustomSuffix="two")
        self.assert_error(ctx, "InvalidInput",
                          "Custom suffix is not allowed for %s" % self.SERVICE, 400)
        with self.assertRaises(ClientError) as ctx:
            self.create_role("impostor", Path="/aws-service-role/%s/" % self.SERVICE)
        self.assert_error(ctx, "InvalidInput",
                          "Path prefix '/aws-service-role/' can only be used for AWS Service "
                          "linked Roles", 400)
        self.create_role("ordinary")
        with self.assertRaises(ClientError) as ctx:
            iam.delete_service_linked_role(RoleName="ordinary")
        self.assert_error(ctx, "NoSuchEntity", "The role with name ordinary cannot be found.", 404)
        self.assertEqual(iam.get_role(RoleName="ordinary")["Role"]["RoleName"], "ordinary")
        unknown = ("task/aws-service-role/%s/%s/00000000-0000-4000-8000-000000000000"
                   % (self.SERVICE, self.NAME))
        with self.assertRaises(ClientError) as ctx:
            iam.get_service_linked_role_deletion_status(DeletionTaskId=unknown)
        self.assert_error(ctx, "NoSuchEntity",
                          "The deletion task with id %s cannot be found." % unknown, 404)

    def test_aws_cli_service_linked_role(self):
        code, out, err = self.aws_cli("iam", "create-service-linked-role",
                                      "--aws-service-name", self.SERVICE)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Role"]["RoleName"], self.NAME)
        code, out, err = self.aws_cli("iam", "delete-service-linked-role",
                                      "--role-name", self.NAME)
        self.assertEqual(code, 0, err)
        task = json.loads(out)["DeletionTaskId"]
        code, out, err = self.aws_cli("iam", "get-service-linked-role-deletion-status",
                                      "--deletion-task-id", task)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), {"Status": "SUCCEEDED"})
