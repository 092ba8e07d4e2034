"""Roles driven with boto3 and the AWS CLI against `gatehouse serve`: create, get, list with
pagination, update, trust policies and their quota, tags, permissions boundaries, deletion and
its conflicts, AWS's errors (code, message, HTTP status), authorization by role path.
"""
import json

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from role_fixture import ADMIN_ARN, ALLOW_ALL, TRUST, RoleTestCase, trust


class RolesTest(RoleTestCase):
    def test_create_and_get_role(self):
        iam = self.iam()
        created = self.create_role(
            "app-role", Path="/apps/", Description="the app", MaxSessionDuration=7200,
            Tags=[{"Key": "team", "Value": "blue"}])
        self.assertEqual(created["RoleName"], "app-role")
        self.assertEqual(created["Path"], "/apps/")
        self.assertEqual(created["Arn"], "arn:aws:iam::%s:role/apps/app-role" % self.account)
        self.assertRegex(created["RoleId"], r"^AROA[A-Z2-7]{17}$")
        self.assertEqual(created["AssumeRolePolicyDocument"], trust())
        self.assertEqual(created["Description"], "the app")
        self.assertEqual(created["MaxSessionDuration"], 7200)
        self.assertEqual(created["Tags"], [{"Key": "team", "Value": "blue"}])
        self.assertNotIn("RoleLastUsed", created)

        got = iam.get_role(RoleName="APP-ROLE")["Role"]  # names are found regardless of case
        self.assertEqual(got["RoleName"], "app-role")
        self.assertEqual(got["RoleId"], created["RoleId"])
        self.assertEqual(got["CreateDate"], created["CreateDate"])
        self.assertEqual(got["RoleLastUsed"], {})
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "blue"}])
        self.assertEqual(got["Description"], "the app")
        self.assertEqual(got["MaxSessionDuration"], 7200)
        self.assertNotIn("PermissionsBoundary", got)

    def test_defaults(self):
        role = self.create_role("plain-role")
        self.assertEqual(role["Path"], "/")
        self.assertEqual(role["MaxSessionDuration"], 3600)
        self.assertNotIn("Description", role)
        self.assertNotIn("Tags", role)

    def test_aws_cli_create_and_get_role(self):
        code, out, err = self.aws_cli("iam", "create-role", "--role-name", "cli-role",
                                      "--path", "/cli/",
                                      "--assume-role-policy-document", TRUST)
        self.assertEqual(code, 0, err)
        role = json.loads(out)["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/cli/cli-role" % self.account)
        code, out, err = self.aws_cli("iam", "get-role", "--role-name", "cli-role")
        self.assertEqual(code, 0, err)
        role = json.loads(out)["Role"]
        self.assertEqual(role["AssumeRolePolicyDocument"], trust())
        self.assertEqual(role["RoleLastUsed"], {})
        code, out, err = self.aws_cli("iam", "get-role", "--role-name", "no-such-cli-role")
        self.assertNotEqual(code, 0)
        self.assertIn("An error occurred (NoSuchEntity) when calling the GetRole operation: "
                      "The role with name no-such-cli-role cannot be found.", err)

    def test_name_taken_regardless_of_case(self):
        self.create_role("Taken-Role")
        with self.assertRaises(ClientError) as ctx:
            self.create_role("taken-role")
        self.assert_error(ctx, "EntityAlreadyExists", "Role with name taken-role already exists.",
                          409)

    def test_missing_role(self):
        with self.assertRaises(ClientError) as ctx:
            self.iam().get_role(RoleName="ghost")
        self.assert_error(ctx, "NoSuchEntity", "The role with name ghost cannot be found.", 404)
        for call in (lambda: self.iam().delete_role(RoleName="ghost"),
                     lambda: self.iam().update_role(RoleName="ghost", Description="x"),
                     lambda: self.iam().list_role_tags(RoleName="ghost")):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assert_error(ctx, "NoSuchEntity", "The role with name ghost cannot be found.", 404)

    def test_trust_policy_without_principal(self):
        doc = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
        with self.assertRaises(ClientError) as ctx:
            self.create_role("no-principal", AssumeRolePolicyDocument=json.dumps(doc))
        self.assert_error(ctx, "MalformedPolicyDocument", "Missing required field Principal", 400)

    def test_trust_policy_with_non_sts_action(self):
        with self.assertRaises(ClientError) as ctx:
            self.create_role("s3-trust", AssumeRolePolicyDocument=json.dumps(
                trust(action="s3:GetObject")))
        self.assert_error(ctx, "MalformedPolicyDocument",
                          "AssumeRole policy may only specify STS AssumeRole actions.", 400)
        with self.assertRaises(ClientError) as ctx:
            self.create_role("resource-trust", AssumeRolePolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                     "Action": "sts:AssumeRole", "Resource": "*"}]}))
        self.assert_error(ctx, "MalformedPolicyDocument", "Has prohibited field Resource", 400)

    def test_trust_policy_quota(self):
        def doc_of_size(size):
            base = json.dumps(trust(condition={"StringEquals": {"sts:ExternalId": ""}}),
                              separators=(",", ":"))
            return base.replace('"sts:ExternalId":""',
                                '"sts:ExternalId":"%s"' % ("x" * (size - len(base))))

        at_quota = doc_of_size(2048)
        self.assertEqual(len(at_quota), 2048)
        # Whitespace between tokens does not count against the quota.
        spaced = at_quota.replace(",", " ,\n   ")
        self.create_role("trust-at-quota", AssumeRolePolicyDocument=spaced)
        with self.assertRaises(ClientError) as ctx:
            self.create_role("trust-over-quota", AssumeRolePolicyDocument=doc_of_size(2049))
        self.assert_error(ctx, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)
        with self.assertRaises(ClientError) as ctx:
            self.iam().update_assume_role_policy(RoleName="trust-at-quota",
                                                 PolicyDocument=doc_of_size(2049))
        self.assert_error(ctx, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)

    def test_max_session_duration_out_of_range(self):
        with self.assertRaises(ClientError) as ctx:
            self.create_role("too-long", MaxSessionDuration=43201)
        self.assert_error(ctx, "ValidationError",
                          "1 validation error detected: Value '43201' at 'maxSessionDuration' "
                          "failed to satisfy constraint: Member must have value less than or "
                          "equal to 43200", 400)
        # boto3 refuses values under the minimum itself; the server does too.
        raw = self.client_without_validation()
        with self.assertRaises(ClientError) as ctx:
            raw.create_role(RoleName="too-short", AssumeRolePolicyDocument=TRUST,
                            MaxSessionDuration=3599)
        self.assert_error(ctx, "ValidationError",
                          "1 validation error detected: Value '3599' at 'maxSessionDuration' "
                          "failed to satisfy constraint: Member must have value greater than "
                          "or equal to 3600", 400)
        self.create_role("ranged")
        with self.assertRaises(ClientError) as ctx:
            self.iam().update_role(RoleName="ranged", MaxSessionDuration=50000)
        self.assert_error(ctx, "ValidationError",
                          "1 validation error detected: Value '50000' at 'maxSessionDuration' "
                          "failed to satisfy constraint: Member must have value less than or "
                          "equal to 43200", 400)

    def client_without_validation(self):
        return boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.admin_key[0],
                            aws_secret_access_key=self.admin_key[1],
                            config=Config(retries={"max_attempts": 1},
                                          parameter_validation=False))

    def test_updates(self):
        iam = self.iam()
        self.create_role("updated-role", Description="before")
        self.assertEqual(iam.update_role(RoleName="updated-role", Description="after",
                                         MaxSessionDuration=43200)["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)
        role = iam.get_role(RoleName="updated-role")["Role"]
        self.assertEqual(role["Description"], "after")
        self.assertEqual(role["MaxSessionDuration"], 43200)
        # UpdateRole without members changes nothing.
        iam.update_role(RoleName="updated-role")
        self.assertEqual(iam.get_role(RoleName="updated-role")["Role"]["Description"], "after")

        described = iam.update_role_description(RoleName="updated-role",
                                                Description="described")["Role"]
        self.assertEqual(described["Description"], "described")
        self.assertEqual(described["RoleName"], "updated-role")
        self.assertEqual(described["MaxSessionDuration"], 43200)

        new_trust = trust(principal={"AWS": "arn:aws:iam::%s:root" % self.account})
        iam.update_assume_role_policy(RoleName="updated-role", PolicyDocument=json.dumps(new_trust))
        self.assertEqual(iam.get_role(RoleName="updated-role")["Role"]["AssumeRolePolicyDocument"],
                         new_trust)
        with self.assertRaises(ClientError) as ctx:
            iam.update_assume_role_policy(RoleName="updated-role", PolicyDocument=json.dumps(
                trust(action="iam:PassRole")))
        self.assert_error(ctx, "MalformedPolicyDocument",
                          "AssumeRole policy may only specify STS AssumeRole actions.", 400)

    def test_list_roles_pages(self):
        iam = self.iam()
        names = ["pager-%02d" % i for i in range(5)]
        for name in reversed(names):
            self.create_role(name, Path="/pager/", Description="d",
                             Tags=[{"Key": "k", "Value": "v"}],
                             PermissionsBoundary=ADMIN_ARN)
        self.create_role("not-paged", Path="/elsewhere/")
        seen, marker, pages = [], None, 0
        while True:
            kwargs = {"PathPrefix": "/pager/", "MaxItems": 2}
            if marker:
                kwargs["Marker"] = marker
            page = iam.list_roles(**kwargs)
            pages += 1
            self.assertLessEqual(len(page["Roles"]), 2)
            for role in page["Roles"]:
                # ListRoles leaves out the boundary, the tags and the last use.
                self.assertNotIn("Tags", role)
                self.assertNotIn("PermissionsBoundary", role)
                self.assertNotIn("RoleLastUsed", role)
                self.assertEqual(role["Description"], "d")
                self.assertEqual(role["MaxSessionDuration"], 3600)
                self.assertEqual(role["AssumeRolePolicyDocument"], trust())
            seen += [r["RoleName"] for r in page["Roles"]]
            if not page["IsTruncated"]:
                self.assertNotIn("Marker", page)
                break
            marker = page["Marker"]
        self.assertEqual(seen, names)
        self.assertEqual(pages, 3)
        everything = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        self.assertIn("not-paged", everything)
        self.assertTrue(set(names) <= set(everything))
        paginated = [r["RoleName"] for p in iam.get_paginator("list_roles").paginate(
            PathPrefix="/pager/", PaginationConfig={"PageSize": 2}) for r in p["Roles"]]
        self.assertEqual(paginated, names)

    def test_tags(self):
        iam = self.iam()
        self.create_role("tagged-role", Tags=[{"Key": "a", "Value": "1"}])
        iam.tag_role(RoleName="tagged-role", Tags=[{"Key": "B", "Value": "2"},
                                                   {"Key": "A", "Value": "3"}])
        self.assertEqual(iam.list_role_tags(RoleName="tagged-role")["Tags"],
                         [{"Key": "A", "Value": "3"}, {"Key": "B", "Value": "2"}])
        page = iam.list_role_tags(RoleName="tagged-role", MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["Tags"], [{"Key": "A", "Value": "3"}])
        rest = iam.list_role_tags(RoleName="tagged-role", Marker=page["Marker"])
        self.assertEqual(rest["Tags"], [{"Key": "B", "Value": "2"}])
        iam.untag_role(RoleName="tagged-role", TagKeys=["a"])
        self.assertEqual(iam.get_role(RoleName="tagged-role")["Role"]["Tags"],
                         [{"Key": "B", "Value": "2"}])
        with self.assertRaises(ClientError) as ctx:
            iam.tag_role(RoleName="tagged-role", Tags=[{"Key": "aws:x", "Value": "1"}])
        self.assert_error(ctx, "InvalidInput",
                          "Tag keys starting with 'aws:' are reserved for AWS use.", 400)
        # One request naming a key twice, or in two cases, is refused whole, as AWS does.
        for keys in (("dup", "dup"), ("dup", "DUP")):
            tags = [{"Key": k, "Value": str(i)} for i, k in enumerate(keys)]
            for call in (lambda: iam.tag_role(RoleName="tagged-role", Tags=tags),
                         lambda: self.create_role("dup-tags", Tags=tags)):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assert_error(ctx, "InvalidInput", "Duplicate tag keys found. Please note "
                                  "that Tag keys are case insensitive.", 400)
        self.assertEqual(iam.list_role_tags(RoleName="tagged-role")["Tags"],
                         [{"Key": "B", "Value": "2"}])
        iam.tag_role(RoleName="tagged-role",
                     Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(49)])
        with self.assertRaises(ClientError) as ctx:
            iam.tag_role(RoleName="tagged-role", Tags=[{"Key": "one-too-many", "Value": "v"}])
        self.assert_error(ctx, "LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", 409)

    def test_permissions_boundary(self):
        iam = self.iam()
        role = self.create_role("bounded-role", PermissionsBoundary=ADMIN_ARN)
        expected = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                    "PermissionsBoundaryArn": ADMIN_ARN}
        self.assertEqual(role["PermissionsBoundary"], expected)
        self.assertEqual(iam.get_role(RoleName="bounded-role")["Role"]["PermissionsBoundary"],
                         expected)
        iam.delete_role_permissions_boundary(RoleName="bounded-role")
        self.assertNotIn("PermissionsBoundary", iam.get_role(RoleName="bounded-role")["Role"])
        with self.assertRaises(ClientError) as ctx:
            iam.delete_role_permissions_boundary(RoleName="bounded-role")
        self.assert_error(ctx, "NoSuchEntity",
                          "The role with name bounded-role does not have a permissions boundary.",
                          404)
        iam.put_role_permissions_boundary(RoleName="bounded-role", PermissionsBoundary=ADMIN_ARN)
        self.assertEqual(iam.get_role(RoleName="bounded-role")["Role"]["PermissionsBoundary"],
                         expected)
        missing = "arn:aws:iam::%s:policy/nope" % self.account
        with self.assertRaises(ClientError) as ctx:
            iam.put_role_permissions_boundary(RoleName="bounded-role", PermissionsBoundary=missing)
        self.assert_error(ctx, "NoSuchEntity",
                          "Scope ARN: %s does not exist or is not attachable." % missing, 404)
        with self.assertRaises(ClientError) as ctx:
            self.create_role("badly-bounded", PermissionsBoundary=missing)
        self.assert_error(ctx, "NoSuchEntity",
                          "Scope ARN: %s does not exist or is not attachable." % missing, 404)

    def test_delete_role_and_its_conflicts(self):
        iam = self.iam()
        self.create_role("doomed")
        iam.put_role_policy(RoleName="doomed", PolicyName="inline", PolicyDocument=ALLOW_ALL)
        with self.assertRaises(ClientError) as ctx:
            iam.delete_role(RoleName="doomed")
        self.assert_error(ctx, "DeleteConflict",
                          "Cannot delete entity, must delete policies first.", 409)
        iam.delete_role_policy(RoleName="doomed", PolicyName="inline")

        iam.attach_role_policy(RoleName="doomed", PolicyArn=ADMIN_ARN)
        with self.assertRaises(ClientError) as ctx:
            iam.delete_role(RoleName="doomed")
        self.assert_error(ctx, "DeleteConflict",
                          "Cannot delete entity, must detach all policies first.", 409)
        iam.detach_role_policy(RoleName="doomed", PolicyArn=ADMIN_ARN)

        iam.create_instance_profile(InstanceProfileName="doomed-profile")
        iam.add_role_to_instance_profile(InstanceProfileName="doomed-profile", RoleName="doomed")
        with self.assertRaises(ClientError) as ctx:
            iam.delete_role(RoleName="doomed")
        self.assert_error(ctx, "DeleteConflict",
                          "Cannot delete entity, must remove roles from instance profile first.",
                          409)
        iam.remove_role_from_instance_profile(InstanceProfileName="doomed-profile",
                                              RoleName="doomed")

        iam.delete_role(RoleName="DOOMED")
        with self.assertRaises(ClientError) as ctx:
            iam.get_role(RoleName="doomed")
        self.assert_error(ctx, "NoSuchEntity", "The role with name doomed cannot be found.", 404)
        # The name is free again.
        self.assertEqual(self.create_role("doomed")["RoleName"], "doomed")

    def test_cross_account_role_with_conditions(self):
        iam = self.iam()
        policy = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"sts:ExternalId": "partner-4711"},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                },
            }],
        }
        iam.create_role(RoleName="PartnerAccess", AssumeRolePolicyDocument=json.dumps(policy),
                        Description="partner account access")
        iam.attach_role_policy(RoleName="PartnerAccess", PolicyArn=ADMIN_ARN)
        role = iam.get_role(RoleName="PartnerAccess")["Role"]
        self.assertEqual(role["AssumeRolePolicyDocument"], policy)
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/PartnerAccess" % self.account)
        self.assertEqual(role["Description"], "partner account access")
        self.assertEqual(role["RoleLastUsed"], {})
        attached = iam.list_attached_role_policies(RoleName="PartnerAccess")
        self.assertEqual(attached["AttachedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}])
        self.assertFalse(attached["IsTruncated"])
        self.assertEqual(iam.list_role_policies(RoleName="PartnerAccess")["PolicyNames"], [])

    def test_authorization_by_role_path(self):
        account = self.account
        reader = self.new_user_client("iam", "role-reader", json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetRole",
                           "Resource": "arn:aws:iam::%s:role/team/*" % account}]}))
        self.create_role("team-role", Path="/team/")
        self.create_role("other-role", Path="/other/")
        self.assertEqual(reader.get_role(RoleName="team-role")["Role"]["RoleName"], "team-role")
        with self.assertRaises(ClientError) as ctx:
            reader.get_role(RoleName="other-role")
        self.assert_error(ctx, "AccessDenied",
                          "User: arn:aws:iam::%s:user/role-reader is not authorized to perform: "
                          "iam:GetRole on resource: arn:aws:iam::%s:role/other/other-role because "
                          "no identity-based policy allows the iam:GetRole action"
                          % (account, account), 403)
