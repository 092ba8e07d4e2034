"""IAM managed policies against a running gatehouse, with boto3 and the AWS CLI: customer managed
policies (create, get, list, delete, versions, tags, entities) with AWS's errors, quotas and
pagination, the AWS-managed policy catalog, and a new default version changing what a policy
allows on the very next request.

Run: python3 -m unittest test_policies (from tests/integration), GATEHOUSE_BIN set (ctest sets
it).
"""
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

AWS_POLICIES = {
    # name: (path, PolicyId, DefaultVersionId, CreateDate)
    "AdministratorAccess": ("/", "ANPAIWMBCKSKIEE64ZLYK", "v1", "2015-02-06T18:39:46"),
    "PowerUserAccess": ("/", "ANPAJYRXTHIB4FOVS3ZXS", "v12", "2015-02-06T18:39:47"),
    "ReadOnlyAccess": ("/", "ANPAILL3HVNFSB6DCOWYQ", "v178", "2015-02-06T18:39:48"),
    "IAMFullAccess": ("/", "ANPAI7XKCFMBPM3QQRRVQ", "v2", "2015-02-06T18:40:38"),
    "IAMReadOnlyAccess": ("/", "ANPAJKSO7NDY4T57MWDSQ", "v4", "2015-02-06T18:40:39"),
    "IAMUserChangePassword": ("/", "ANPAJ4L4MM2A7QIEB56MS", "v5", "2016-11-15T00:25:16"),
    "AWSOrganizationsFullAccess": ("/", "ANPAJZXBNRCJKNLQHSB5M", "v9", "2018-11-06T20:31:57"),
    "AWSOrganizationsReadOnlyAccess": ("/", "ANPAJY5RQATUV77PEPVOM", "v6",
                                       "2018-11-06T20:32:38"),
    "SecurityAudit": ("/", "ANPAIX2T3QCXHR2OGGCTO", "v85", "2015-02-06T18:41:01"),
    "AWSOrganizationsServiceTrustPolicy": ("/aws-service-role/", "ANPAIQH6ROMVVECFVRJPK", "v3",
                                           "2017-10-10T23:04:07"),
}
# AssumeRoot's task policies: listed, never attachable (their ids are gatehouse's own).
ROOT_TASK_POLICIES = {"IAMAuditRootUserCredentials", "IAMCreateRootUserPassword",
                      "IAMDeleteRootUserCredentials", "S3UnlockBucketPolicy",
                      "SQSUnlockQueuePolicy"}
# The service-linked roles' policies whose documents AWS's Managed Policy Reference publishes
# whole (besides AWSOrganizationsServiceTrustPolicy, above).
SERVICE_ROLE_POLICIES = {
    "AWSApplicationAutoscalingCassandraTablePolicy",
    "AWSApplicationAutoscalingEC2SpotFleetRequestPolicy", "AWSAutoScalingPlansEC2AutoScalingPolicy",
    "AWSDMSFleetAdvisorServiceRolePolicy", "AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy",
    "AWSSSMOpsInsightsServiceRolePolicy", "AWSShieldServiceRolePolicy",
    "AmazonCognitoIdpEmailServiceRolePolicy", "AmazonDocDB-ElasticServiceRolePolicy",
    "AmazonEKSForFargateServiceRolePolicy", "AmazonLexV2BotPolicy",
    "CertificateManagerServiceRolePolicy", "ECRTemplateServiceRolePolicy",
    "EMRDescribeClusterPolicyForEMRWAL", "LakeFormationDataAccessServiceRolePolicy",
    "WAFLoggingServiceRolePolicy"}
ALL_AWS_POLICIES = set(AWS_POLICIES) | ROOT_TASK_POLICIES | SERVICE_ROLE_POLICIES


def aws_arn(name):
    return "arn:aws:iam::aws:policy%s%s" % (AWS_POLICIES[name][0], name)


def document(*actions, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(actions), "Resource": resource}]})


class PoliciesTest(GatehouseTestCase):
    def setUp(self):
        self.iam = self.admin("iam")

    def arn(self, name, path="/"):
        return "arn:aws:iam::%s:policy%s%s" % (self.account, path, name)

    def assertError(self, call, code, message, status, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        error = e.exception.response["Error"]
        self.assertEqual(error["Code"], code)
        self.assertEqual(error["Message"], message)
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)

    def create(self, name, path="/", actions=("s3:GetObject",), **kwargs):
        return self.iam.create_policy(PolicyName=name, Path=path,
                                      PolicyDocument=document(*actions), **kwargs)["Policy"]

    # --- CreatePolicy, GetPolicy --------------------------------------------------------------

    def test_create_and_get_policy(self):
        created = self.create("Reader", path="/team/", Description="reads objects",
                              Tags=[{"Key": "Dept", "Value": "Eng"}])
        self.assertEqual(created["PolicyName"], "Reader")
        self.assertEqual(created["Arn"], self.arn("Reader", "/team/"))
        self.assertEqual(created["Path"], "/team/")
        self.assertRegex(created["PolicyId"], r"^ANPA[A-Z2-7]{17}$")
        self.assertEqual(created["DefaultVersionId"], "v1")
        self.assertEqual(created["AttachmentCount"], 0)
        self.assertEqual(created["PermissionsBoundaryUsageCount"], 0)
        self.assertTrue(created["IsAttachable"])
        self.assertEqual(created["CreateDate"], created["UpdateDate"])
        self.assertEqual(created["Tags"], [{"Key": "Dept", "Value": "Eng"}])
        self.assertNotIn("Description", created)  # AWS's CreatePolicy answer has none
        # Untagged: CreatePolicy leaves Tags out, GetPolicy answers an empty list.
        untagged = self.create("Untagged")
        self.assertNotIn("Tags", untagged)
        self.assertEqual(self.iam.get_policy(PolicyArn=untagged["Arn"])["Policy"]["Tags"], [])
        self.iam.delete_policy(PolicyArn=untagged["Arn"])

        got = self.iam.get_policy(PolicyArn=created["Arn"])["Policy"]
        self.assertEqual(got["Description"], "reads objects")
        self.assertEqual(got["PolicyId"], created["PolicyId"])
        self.assertEqual(got["Tags"], [{"Key": "Dept", "Value": "Eng"}])
        self.assertEqual(got["CreateDate"], created["CreateDate"])

        version = self.iam.get_policy_version(PolicyArn=created["Arn"], VersionId="v1")
        self.assertEqual(version["PolicyVersion"]["Document"], json.loads(document("s3:GetObject")))
        self.assertTrue(version["PolicyVersion"]["IsDefaultVersion"])

    def test_create_policy_errors(self):
        self.create("Unique", path="/a/")
        for name, path in (("Unique", "/a/"), ("UNIQUE", "/other/")):
            self.assertError(self.iam.create_policy, "EntityAlreadyExists",
                             "A policy called %s already exists. Duplicate names are not "
                             "allowed." % name, 409,
                             PolicyName=name, Path=path, PolicyDocument=document("s3:GetObject"))
        self.assertError(self.iam.create_policy, "MalformedPolicyDocument",
                         "Syntax errors in policy.", 400, PolicyName="Malformed",
                         PolicyDocument='{"Version": "2012-10-17", "Statement": []')
        # A managed policy needs the current grammar version; an inline policy may leave it out.
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        for version in (None, "2008-10-17"):
            body = {"Statement": [statement]}
            if version:
                body["Version"] = version
            self.assertError(self.iam.create_policy, "MalformedPolicyDocument",
                             "Policy document must be version 2012-10-17 or greater.", 400,
                             PolicyName="OldGrammar", PolicyDocument=json.dumps(body))
            self.assertError(self.iam.create_policy_version, "MalformedPolicyDocument",
                             "Policy document must be version 2012-10-17 or greater.", 400,
                             PolicyArn=self.arn("Unique", "/a/"), PolicyDocument=json.dumps(body))
        self.iam.create_user(UserName="inline-old-grammar")
        self.iam.put_user_policy(UserName="inline-old-grammar", PolicyName="old",
                                 PolicyDocument=json.dumps({"Version": "2008-10-17",
                                                            "Statement": [statement]}))
        self.iam.delete_user_policy(UserName="inline-old-grammar", PolicyName="old")
        self.iam.delete_user(UserName="inline-old-grammar")
        self.assertError(self.iam.create_policy, "MalformedPolicyDocument",
                         "Policy statement must contain resources.", 400, PolicyName="NoResource",
                         PolicyDocument='{"Version": "2012-10-17", "Statement": '
                                        '[{"Effect": "Allow", "Action": "*"}]}')
        # More than 50 tags in one request fails the model's constraint before any quota.
        with self.assertRaises(ClientError) as e:
            self.iam.create_policy(PolicyName="TooManyTags", PolicyDocument=document("s3:Get"),
                                   Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(51)])
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")
        self.assertTrue(e.exception.response["Error"]["Message"].endswith(
            "at 'tags' failed to satisfy constraint: Member must have length less than or "
            "equal to 50"))
        self.assertEqual(self.iam.list_policies(Scope="Local", PathPrefix="/a/")["Policies"][0]
                         ["PolicyName"], "Unique")
        self.assertError(self.iam.create_policy, "InvalidInput",
                         "Tag keys starting with 'aws:' are reserved for AWS use.", 400,
                         PolicyName="AwsTag", PolicyDocument=document("s3:GetObject"),
                         Tags=[{"Key": "aws:x", "Value": "v"}])
        # A managed policy's duplicate-key message, unlike a role's, says nothing of case.
        for keys in (("dup", "dup"), ("dup", "Dup")):
            self.assertError(self.iam.create_policy, "InvalidInput", "Duplicate tag keys found.",
                             400, PolicyName="DupTags", PolicyDocument=document("s3:GetObject"),
                             Tags=[{"Key": k, "Value": "v"} for k in keys])

    def sized_document(self, size):
        """A document of exactly `size` characters once whitespace is left out, pretty-printed."""
        def build(resource):
            return {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]}
        base = len(json.dumps(build("arn:aws:s3:::"), separators=(",", ":")))
        text = json.dumps(build("arn:aws:s3:::" + "b" * (size - base)), indent=4)
        self.assertEqual(len("".join(text.split())), size)
        return text

    def test_policy_size_quota_ignores_whitespace(self):
        self.iam.create_policy(PolicyName="Exactly6144", PolicyDocument=self.sized_document(6144))
        self.assertError(self.iam.create_policy, "LimitExceeded",
                         "Cannot exceed quota for PolicySize: 6144", 409,
                         PolicyName="Over6144", PolicyDocument=self.sized_document(6145))
        arn = self.arn("Exactly6144")
        self.assertError(self.iam.create_policy_version, "LimitExceeded",
                         "Cannot exceed quota for PolicySize: 6144", 409,
                         PolicyArn=arn, PolicyDocument=self.sized_document(6145))

    def test_get_missing_policy(self):
        arn = self.arn("Nope")
        for call in (self.iam.get_policy, self.iam.delete_policy, self.iam.list_policy_versions,
                     self.iam.list_entities_for_policy, self.iam.list_policy_tags):
            self.assertError(call, "NoSuchEntity", "Policy %s was not found." % arn, 404,
                             PolicyArn=arn)
        # A policy of this account at another path is not the same policy.
        self.create("Pathed", path="/p/")
        self.assertError(self.iam.get_policy, "NoSuchEntity",
                         "Policy %s was not found." % self.arn("Pathed"), 404,
                         PolicyArn=self.arn("Pathed"))

    # --- the AWS-managed catalog --------------------------------------------------------------

    def test_aws_managed_policies(self):
        for name, (path, policy_id, version, created) in AWS_POLICIES.items():
            p = self.iam.get_policy(PolicyArn=aws_arn(name))["Policy"]
            self.assertEqual(p["PolicyName"], name)
            self.assertEqual(p["Arn"], aws_arn(name))
            self.assertEqual(p["Path"], path)
            self.assertEqual(p["PolicyId"], policy_id)
            self.assertEqual(p["DefaultVersionId"], version)
            self.assertTrue(p["IsAttachable"])
            self.assertTrue(p["Description"])
            self.assertEqual(p["CreateDate"].strftime("%Y-%m-%dT%H:%M:%S"), created)
            v = self.iam.get_policy_version(PolicyArn=aws_arn(name), VersionId=version)
            self.assertTrue(v["PolicyVersion"]["IsDefaultVersion"])
            self.assertEqual(v["PolicyVersion"]["Document"]["Version"], "2012-10-17")
            self.assertEqual(v["PolicyVersion"]["CreateDate"], p["UpdateDate"])
            versions = self.iam.list_policy_versions(PolicyArn=aws_arn(name))["Versions"]
            self.assertEqual([x["VersionId"] for x in versions], [version])
        admin = self.iam.get_policy(PolicyArn=aws_arn("AdministratorAccess"))["Policy"]
        self.assertEqual(admin["Description"],
                         "Provides full access to AWS services and resources.")
        self.assertEqual(admin["Tags"], [])  # GetPolicy always answers Tags
        self.assertGreaterEqual(admin["AttachmentCount"], 1)  # the bootstrap admin
        doc = self.iam.get_policy_version(PolicyArn=aws_arn("IAMUserChangePassword"),
                                          VersionId="v5")["PolicyVersion"]["Document"]
        self.assertEqual(doc["Statement"][0]["Action"], ["iam:ChangePassword"])
        self.assertError(self.iam.get_policy_version, "NoSuchEntity",
                         "Policy %s version v1 does not exist or is not attachable."
                         % aws_arn("ReadOnlyAccess"), 404,
                         PolicyArn=aws_arn("ReadOnlyAccess"), VersionId="v1")
        self.assertError(self.iam.get_policy, "NoSuchEntity",
                         "Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found.", 404,
                         PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")

    def test_list_policies_scopes(self):
        self.create("LocalOne")
        aws = self.iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]
        self.assertEqual({p["PolicyName"] for p in aws}, ALL_AWS_POLICIES)
        self.assertEqual({p["PolicyName"] for p in aws if not p["IsAttachable"]},
                         ROOT_TASK_POLICIES)
        local = self.iam.list_policies(Scope="Local", MaxItems=1000)["Policies"]
        self.assertIn("LocalOne", [p["PolicyName"] for p in local])
        self.assertTrue(all(p["Arn"].startswith("arn:aws:iam::%s:" % self.account)
                            for p in local))
        everything = self.iam.list_policies(MaxItems=1000)["Policies"]
        self.assertEqual(len(everything), len(aws) + len(local))
        self.assertNotIn("Description", everything[0])
        service_role = self.iam.list_policies(Scope="AWS", PathPrefix="/aws-service-role/",
                                              MaxItems=1000)["Policies"]
        names = [p["PolicyName"] for p in service_role]
        self.assertIn("AWSOrganizationsServiceTrustPolicy", names)
        self.assertIn("CertificateManagerServiceRolePolicy", names)
        self.assertEqual(len(names), 17)
        self.assertTrue(all(p["Path"] == "/aws-service-role/" and p["IsAttachable"]
                            for p in service_role))

    def test_list_policies_pagination(self):
        names = ["pageE", "PageA", "pageC", "PageB", "pageD"]
        for name in names:
            self.create(name, path="/paging/")
        seen, pages, marker = [], [], None
        while True:
            kwargs = {"Marker": marker} if marker else {}
            page = self.iam.list_policies(Scope="Local", PathPrefix="/paging/", MaxItems=2,
                                          **kwargs)
            pages.append(len(page["Policies"]))
            seen += [p["PolicyName"] for p in page["Policies"]]
            if not page["IsTruncated"]:
                self.assertNotIn("Marker", page)
                break
            marker = page["Marker"]
        self.assertEqual(pages, [2, 2, 1])
        self.assertEqual(seen, sorted(names, key=str.lower))
        # Markers work across AWS and customer managed policies alike.
        full = [p["Arn"] for p in self.iam.list_policies(MaxItems=1000)["Policies"]]
        paged = [p["Arn"] for page in self.iam.get_paginator("list_policies").paginate(
            PaginationConfig={"PageSize": 3}) for p in page["Policies"]]
        self.assertEqual(paged, full)

    # --- attachments, boundaries and the entities of a policy ---------------------------------

    def test_attachments_boundaries_and_entities(self):
        arn = self.create("Shared", actions=("s3:ListBucket",))["Arn"]
        self.iam.create_user(UserName="ent-alice")
        self.iam.create_user(UserName="ent-bob", Path="/eng/")
        self.iam.attach_user_policy(UserName="ent-alice", PolicyArn=arn)
        self.iam.attach_user_policy(UserName="ent-bob", PolicyArn=arn)
        policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(policy["AttachmentCount"], 2)
        self.assertEqual(policy["PermissionsBoundaryUsageCount"], 0)
        attached = self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
        self.assertIn(arn, [p["Arn"] for p in attached])
        unattached = self.create("Unattached")["Arn"]
        self.assertNotIn(unattached, [p["Arn"] for p in attached])
        aws_attached = self.iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
        self.assertIn(aws_arn("AdministratorAccess"), [p["Arn"] for p in aws_attached])

        entities = self.iam.list_entities_for_policy(PolicyArn=arn)
        alice = self.iam.get_user(UserName="ent-alice")["User"]
        bob = self.iam.get_user(UserName="ent-bob")["User"]
        self.assertEqual(entities["PolicyUsers"], [
            {"UserName": "ent-alice", "UserId": alice["UserId"]},
            {"UserName": "ent-bob", "UserId": bob["UserId"]}])
        self.assertEqual(entities["PolicyGroups"], [])
        self.assertEqual(entities["PolicyRoles"], [])
        self.assertFalse(entities["IsTruncated"])
        first = self.iam.list_entities_for_policy(PolicyArn=arn, MaxItems=1)
        self.assertTrue(first["IsTruncated"])
        second = self.iam.list_entities_for_policy(PolicyArn=arn, Marker=first["Marker"])
        self.assertEqual([u["UserName"] for u in first["PolicyUsers"] + second["PolicyUsers"]],
                         ["ent-alice", "ent-bob"])
        self.assertFalse(second["IsTruncated"])
        by_path = self.iam.list_entities_for_policy(PolicyArn=arn, PathPrefix="/eng/")
        self.assertEqual([u["UserName"] for u in by_path["PolicyUsers"]], ["ent-bob"])
        roles_only = self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
        self.assertEqual(roles_only["PolicyUsers"], [])

        self.assertError(self.iam.delete_policy, "DeleteConflict",
                         "Cannot delete a policy attached to entities.", 409, PolicyArn=arn)
        self.iam.detach_user_policy(UserName="ent-alice", PolicyArn=arn)
        self.iam.detach_user_policy(UserName="ent-bob", PolicyArn=arn)

        # Used as a permissions boundary.
        self.iam.put_user_permissions_boundary(UserName="ent-alice", PermissionsBoundary=arn)
        policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual((policy["AttachmentCount"], policy["PermissionsBoundaryUsageCount"]),
                         (0, 1))
        boundaries = self.iam.list_policies(Scope="Local",
                                            PolicyUsageFilter="PermissionsBoundary")["Policies"]
        self.assertEqual([p["Arn"] for p in boundaries], [arn])
        self.assertNotIn(arn, [p["Arn"] for p in self.iam.list_policies(
            Scope="Local", PolicyUsageFilter="PermissionsPolicy")["Policies"]])
        as_boundary = self.iam.list_entities_for_policy(
            PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
        self.assertEqual([u["UserName"] for u in as_boundary["PolicyUsers"]], ["ent-alice"])
        as_policy = self.iam.list_entities_for_policy(PolicyArn=arn,
                                                      PolicyUsageFilter="PermissionsPolicy")
        self.assertEqual(as_policy["PolicyUsers"], [])
        self.assertError(self.iam.delete_policy, "DeleteConflict",
                         "Cannot delete a policy attached to entities.", 409, PolicyArn=arn)
        self.iam.delete_user_permissions_boundary(UserName="ent-alice")
        self.iam.delete_policy(PolicyArn=arn)
        self.assertError(self.iam.get_policy, "NoSuchEntity", "Policy %s was not found." % arn,
                         404, PolicyArn=arn)

    def test_entities_of_an_aws_managed_policy(self):
        self.iam.create_user(UserName="ent-auditor")
        self.iam.attach_user_policy(UserName="ent-auditor", PolicyArn=aws_arn("SecurityAudit"))
        entities = self.iam.list_entities_for_policy(PolicyArn=aws_arn("SecurityAudit"))
        self.assertEqual([u["UserName"] for u in entities["PolicyUsers"]], ["ent-auditor"])
        self.assertEqual(
            self.iam.get_policy(PolicyArn=aws_arn("SecurityAudit"))["Policy"]["AttachmentCount"],
            1)

    # --- versions ------------------------------------------------------------------------------

    def test_versions(self):
        arn = self.create("Versioned")["Arn"]
        for n in range(2, 6):
            v = self.iam.create_policy_version(PolicyArn=arn,
                                               PolicyDocument=document("s3:Get%d" % n))
            self.assertEqual(v["PolicyVersion"]["VersionId"], "v%d" % n)
            self.assertFalse(v["PolicyVersion"]["IsDefaultVersion"])
            self.assertNotIn("Document", v["PolicyVersion"])
        self.assertError(self.iam.create_policy_version, "LimitExceeded",
                         "A managed policy can have up to 5 versions. Before you create a new "
                         "version, you must delete an existing version.", 409,
                         PolicyArn=arn, PolicyDocument=document("s3:Get6"))

        pages, marker = [], None
        while True:
            kwargs = {"Marker": marker} if marker else {}
            page = self.iam.list_policy_versions(PolicyArn=arn, MaxItems=2, **kwargs)
            pages.append([(v["VersionId"], v["IsDefaultVersion"]) for v in page["Versions"]])
            self.assertTrue(all("Document" not in v for v in page["Versions"]))
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        self.assertEqual(pages, [[("v5", False), ("v4", False)], [("v3", False), ("v2", False)],
                                 [("v1", True)]])

        v2 = self.iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
        self.assertEqual(v2["Document"], json.loads(document("s3:Get2")))
        self.assertFalse(v2["IsDefaultVersion"])

        self.assertError(self.iam.delete_policy_version, "DeleteConflict",
                         "Cannot delete the default version of a policy.", 409,
                         PolicyArn=arn, VersionId="v1")
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v3")
        self.iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
        missing = "Policy %s version v1 does not exist or is not attachable." % arn
        for call in (self.iam.get_policy_version, self.iam.delete_policy_version,
                     self.iam.set_default_policy_version):
            self.assertError(call, "NoSuchEntity", missing, 404, PolicyArn=arn, VersionId="v1")
        # Version ids are never reused.
        v6 = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=document("s3:Get6"),
                                            SetAsDefault=True)["PolicyVersion"]
        self.assertEqual((v6["VersionId"], v6["IsDefaultVersion"]), ("v6", True))
        policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(policy["DefaultVersionId"], "v6")
        self.assertEqual(policy["UpdateDate"], v6["CreateDate"])

        self.assertError(self.iam.delete_policy, "DeleteConflict",
                         "This policy has more than one version. Before you delete a policy, you "
                         "must delete the policy's versions. The default version is deleted with "
                         "the policy.", 409, PolicyArn=arn)
        for v in ("v2", "v3", "v4", "v5"):
            self.iam.delete_policy_version(PolicyArn=arn, VersionId=v)
        self.iam.delete_policy(PolicyArn=arn)
        self.assertError(self.iam.list_policy_versions, "NoSuchEntity",
                         "Policy %s was not found." % arn, 404, PolicyArn=arn)

    def test_aws_managed_policies_cannot_change(self):
        arn = aws_arn("ReadOnlyAccess")
        denied = ("AccessDenied", "Policy is outside your own account.", 403)
        self.assertError(self.iam.create_policy_version, *denied, PolicyArn=arn,
                         PolicyDocument=document("s3:GetObject"))
        self.assertError(self.iam.delete_policy, *denied, PolicyArn=arn)
        self.assertError(self.iam.delete_policy_version, *denied, PolicyArn=arn,
                         VersionId="v178")
        self.assertError(self.iam.set_default_policy_version, *denied, PolicyArn=arn,
                         VersionId="v178")
        self.assertError(self.iam.tag_policy, *denied, PolicyArn=arn,
                         Tags=[{"Key": "a", "Value": "b"}])
        self.assertError(self.iam.untag_policy, *denied, PolicyArn=arn, TagKeys=["a"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"], [])

    # --- tags ---------------------------------------------------------------------------------

    def test_tags(self):
        arn = self.create("Tagged", Tags=[{"Key": "Team", "Value": "a"}])["Arn"]
        self.iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "team", "Value": "b"},
                                                 {"Key": "Env", "Value": "prod"}])
        tags = self.iam.list_policy_tags(PolicyArn=arn)
        self.assertEqual(tags["Tags"], [{"Key": "team", "Value": "b"},
                                        {"Key": "Env", "Value": "prod"}])
        self.assertFalse(tags["IsTruncated"])
        first = self.iam.list_policy_tags(PolicyArn=arn, MaxItems=1)
        self.assertTrue(first["IsTruncated"])
        rest = self.iam.list_policy_tags(PolicyArn=arn, Marker=first["Marker"])
        self.assertEqual(first["Tags"] + rest["Tags"], tags["Tags"])
        self.iam.untag_policy(PolicyArn=arn, TagKeys=["TEAM"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"],
                         [{"Key": "Env", "Value": "prod"}])
        self.assertError(self.iam.tag_policy, "LimitExceeded",
                         "Cannot exceed quota for TagsPerPolicy: 50", 409, PolicyArn=arn,
                         Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["Tags"],
                         [{"Key": "Env", "Value": "prod"}])

    # --- the default version decides -----------------------------------------------------------

    def test_new_default_version_changes_access_at_once(self):
        arn = self.create("Lister", actions=("iam:ListUsers",))["Arn"]
        user_iam = self.new_user_client("iam", "version-user")
        self.iam.attach_user_policy(UserName="version-user", PolicyArn=arn)
        user_iam.list_users()
        self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=document("iam:GetUser"),
                                       SetAsDefault=True)
        with self.assertRaises(ClientError) as e:
            user_iam.list_users()
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        user_iam.get_user(UserName="version-user")
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
        user_iam.list_users()

    # --- the AWS CLI ---------------------------------------------------------------------------

    def test_cli(self):
        code, out, err = self.aws_cli("iam", "create-policy", "--policy-name", "CliPolicy",
                                      "--path", "/cli/", "--description", "from the CLI",
                                      "--policy-document", document("sts:GetCallerIdentity"))
        self.assertEqual(code, 0, err)
        created = json.loads(out)["Policy"]
        self.assertEqual(created["Arn"], self.arn("CliPolicy", "/cli/"))
        self.assertEqual(created["DefaultVersionId"], "v1")
        code, out, err = self.aws_cli("iam", "get-policy-version", "--policy-arn",
                                      created["Arn"], "--version-id", "v1")
        self.assertEqual(code, 0, err)
        version = json.loads(out)["PolicyVersion"]
        self.assertEqual(version["Document"], json.loads(document("sts:GetCallerIdentity")))
        self.assertTrue(version["IsDefaultVersion"])
        code, out, err = self.aws_cli("iam", "list-policies", "--scope", "AWS",
                                      "--query", "Policies[].PolicyName")
        self.assertEqual(code, 0, err)
        self.assertEqual(set(json.loads(out)), ALL_AWS_POLICIES)
        code, out, err = self.aws_cli("iam", "get-policy", "--policy-arn", self.arn("Absent"))
        self.assertNotEqual(code, 0)
        self.assertIn("(NoSuchEntity) when calling the GetPolicy operation: Policy %s was not "
                      "found." % self.arn("Absent"), err)


if __name__ == "__main__":
    unittest.main()
