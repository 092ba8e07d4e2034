"""IAM account operations through boto3 and the AWS CLI: account aliases, GetAccountSummary,
GetAccountAuthorizationDetails (filters, paging across the whole answer, URL-encoded documents
decoded by botocore) and the credential report (states, AWS's CSV, ReportNotPresent).

Run: python3 -m unittest test_account (from tests/integration, GATEHOUSE_BIN set by ctest).
"""
import base64
import csv
import datetime
import io
import json
import time
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

ALLOW_S3 = json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


class AccountTestCase(GatehouseTestCase):
    def assertError(self, call, code, message, status, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(**kwargs)
        error = caught.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["Error"].get("Message"), message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)
        return caught.exception


class AliasTest(AccountTestCase):
    def test_one_alias_per_account(self):
        iam = self.admin("iam")
        self.assertEqual(iam.list_account_aliases()["AccountAliases"], [])
        iam.create_account_alias(AccountAlias="gatehouse-first")
        listed = iam.list_account_aliases()
        self.assertEqual(listed["AccountAliases"], ["gatehouse-first"])
        self.assertFalse(listed["IsTruncated"])
        self.assertError(iam.create_account_alias, "EntityAlreadyExists",
                         "The account alias gatehouse-first already exists.", 409,
                         AccountAlias="gatehouse-first")
        # A second alias replaces the first.
        iam.create_account_alias(AccountAlias="gatehouse-2nd")
        self.assertEqual(iam.list_account_aliases(MaxItems=1)["AccountAliases"],
                         ["gatehouse-2nd"])
        self.assertError(iam.delete_account_alias, "NoSuchEntity",
                         "The account alias gatehouse-first cannot be found.", 404,
                         AccountAlias="gatehouse-first")
        iam.delete_account_alias(AccountAlias="gatehouse-2nd")
        self.assertEqual(iam.list_account_aliases()["AccountAliases"], [])
        self.assertError(iam.delete_account_alias, "NoSuchEntity",
                         "The account alias gatehouse-2nd cannot be found.", 404,
                         AccountAlias="gatehouse-2nd")

    def test_alias_pattern_is_validated(self):
        iam = self.admin("iam")
        for bad in ("Upper", "-edge", "edge-", "two--dashes", "under_score"):
            with self.assertRaises(ClientError) as caught:
                iam.create_account_alias(AccountAlias=bad)
            self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationError")

    def test_cli(self):
        code, _, err = self.aws_cli("iam", "create-account-alias", "--account-alias", "gh-cli")
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "list-account-aliases")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["AccountAliases"], ["gh-cli"])
        code, _, err = self.aws_cli("iam", "delete-account-alias", "--account-alias", "gh-cli")
        self.assertEqual(code, 0, err)
        code, _, err = self.aws_cli("iam", "delete-account-alias", "--account-alias", "gh-cli")
        self.assertNotEqual(code, 0)
        self.assertIn("An error occurred (NoSuchEntity) when calling the DeleteAccountAlias "
                      "operation: The account alias gh-cli cannot be found.", err)

    def test_denied_without_permission(self):
        iam = self.new_user_client("iam", "alias-nobody")
        self.assertError(iam.create_account_alias, "AccessDenied",
                         "User: arn:aws:iam::%s:user/alias-nobody is not authorized to perform: "
                         "iam:CreateAccountAlias on resource: * because no identity-based "
                         "policy allows the iam:CreateAccountAlias action" % self.account, 403,
                         AccountAlias="gatehouse-denied")


class SummaryTest(AccountTestCase):
    QUOTAS = {"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000,
              "InstanceProfilesQuota": 1000, "PoliciesQuota": 1500, "PolicySizeQuota": 6144,
              "PolicyVersionsInUseQuota": 10000, "VersionsPerPolicyQuota": 5,
              "GroupsPerUserQuota": 10, "AttachedPoliciesPerUserQuota": 10,
              "AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10,
              "UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120,
              "RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048,
              "AccessKeysPerUserQuota": 2, "SigningCertificatesPerUserQuota": 2,
              "ServerCertificatesQuota": 20, "GlobalEndpointTokenVersion": 1}

    def test_global_endpoint_token_version_follows_the_preference(self):
        iam = self.admin("iam")
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"], 2)
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"], 1)
        with self.assertRaises(ClientError) as e:
            iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v3Token")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")

    def test_quotas_and_counts(self):
        iam = self.admin("iam")
        before = iam.get_account_summary()["SummaryMap"]
        for key, value in self.QUOTAS.items():
            self.assertEqual(before[key], value, key)
        for key in ("Users", "Groups", "Roles", "Policies", "PolicyVersionsInUse",
                    "InstanceProfiles", "MFADevices", "MFADevicesInUse", "AccountMFAEnabled",
                    "AccountAccessKeysPresent", "AccountSigningCertificatesPresent",
                    "ServerCertificates", "Providers"):
            self.assertIn(key, before)
        self.assertGreaterEqual(before["Users"], 1)  # the bootstrap admin
        self.assertGreaterEqual(before["PolicyVersionsInUse"], 1)  # its AdministratorAccess
        self.assertEqual(before["AccountAccessKeysPresent"], 0)
        self.assertEqual(before["AccountMFAEnabled"], 0)

        for name in ("summary-1", "summary-2"):
            iam.create_user(UserName=name)
        iam.create_access_key(UserName="summary-1")
        iam.attach_user_policy(UserName="summary-2",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        after = iam.get_account_summary()["SummaryMap"]
        self.assertEqual(after["Users"], before["Users"] + 2)
        self.assertEqual(after["PolicyVersionsInUse"], before["PolicyVersionsInUse"] + 1)
        # Access keys of users are not the root user's.
        self.assertEqual(after["AccountAccessKeysPresent"], 0)

        iam.detach_user_policy(UserName="summary-2",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.delete_user(UserName="summary-2")
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["Users"], before["Users"] + 1)

    def test_cli(self):
        code, out, err = self.aws_cli("iam", "get-account-summary")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["SummaryMap"]["UsersQuota"], 5000)


class AuthorizationDetailsTest(AccountTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        iam.create_user(UserName="details-alice", Path="/team/",
                        Tags=[{"Key": "team", "Value": "blue"}],
                        PermissionsBoundary="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.put_user_policy(UserName="details-alice", PolicyName="s3", PolicyDocument=ALLOW_S3)
        iam.attach_user_policy(UserName="details-alice",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.create_user(UserName="details-bob")

    def test_users_with_what_hangs_off_them(self):
        iam = self.admin("iam")
        details = iam.get_account_authorization_details(Filter=["User"])
        self.assertEqual(details["GroupDetailList"], [])
        self.assertEqual(details["RoleDetailList"], [])
        self.assertEqual(details["Policies"], [])
        self.assertFalse(details["IsTruncated"])
        users = {u["UserName"]: u for u in details["UserDetailList"]}
        self.assertEqual(set(users), {"admin", "details-alice", "details-bob"})
        alice = users["details-alice"]
        self.assertEqual(alice["Path"], "/team/")
        self.assertEqual(alice["Arn"], "arn:aws:iam::%s:user/team/details-alice" % self.account)
        self.assertTrue(alice["UserId"].startswith("AIDA"))
        self.assertIsInstance(alice["CreateDate"], datetime.datetime)
        # botocore decodes the URL-encoded document.
        self.assertEqual(alice["UserPolicyList"],
                         [{"PolicyName": "s3", "PolicyDocument": json.loads(ALLOW_S3)}])
        self.assertEqual(alice["AttachedManagedPolicies"],
                         [{"PolicyName": "AdministratorAccess",
                           "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}])
        self.assertEqual(alice["GroupList"], [])
        self.assertEqual(alice["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                          "PermissionsBoundaryArn":
                              "arn:aws:iam::aws:policy/AdministratorAccess"})
        self.assertEqual(alice["Tags"], [{"Key": "team", "Value": "blue"}])
        self.assertEqual(users["details-bob"]["Tags"], [])  # as AWS lists an untagged user
        self.assertNotIn("PermissionsBoundary", users["details-bob"])

    def test_aws_managed_policies_in_use(self):
        iam = self.admin("iam")
        policies = iam.get_account_authorization_details(
            Filter=["AWSManagedPolicy"])["Policies"]
        self.assertEqual([p["PolicyName"] for p in policies], ["AdministratorAccess"])
        [admin] = policies
        self.assertEqual(admin["Arn"], "arn:aws:iam::aws:policy/AdministratorAccess")
        self.assertEqual(admin["Path"], "/")
        self.assertTrue(admin["PolicyId"].startswith("ANPA"))
        # Attached to the bootstrap admin and to alice, and alice's boundary.
        self.assertEqual(admin["AttachmentCount"], 2)
        self.assertEqual(admin["PermissionsBoundaryUsageCount"], 1)
        self.assertTrue(admin["IsAttachable"])
        self.assertEqual(admin["DefaultVersionId"], "v1")
        self.assertIsInstance(admin["CreateDate"], datetime.datetime)
        self.assertNotIn("Description", admin)
        [version] = admin["PolicyVersionList"]
        self.assertEqual(version["VersionId"], "v1")
        self.assertTrue(version["IsDefaultVersion"])
        self.assertEqual(version["Document"]["Statement"][0]["Action"], "*")
        self.assertEqual(iam.get_account_authorization_details(
            Filter=["LocalManagedPolicy"])["Policies"], [])
        nothing = iam.get_account_authorization_details(Filter=["Group", "Role"])
        for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"):
            self.assertEqual(nothing[key], [], key)

    def test_max_items_pages_across_the_whole_answer(self):
        iam = self.admin("iam")
        whole = iam.get_account_authorization_details()
        expected = ([u["UserName"] for u in whole["UserDetailList"]] +
                    [p["PolicyName"] for p in whole["Policies"]])
        self.assertEqual(expected[:3], ["admin", "details-alice", "details-bob"])
        seen, marker, pages = [], None, 0
        while True:
            kwargs = {"MaxItems": 1}
            if marker:
                kwargs["Marker"] = marker
            page = iam.get_account_authorization_details(**kwargs)
            pages += 1
            entries = ([u["UserName"] for u in page["UserDetailList"]] +
                       [p["PolicyName"] for p in page["Policies"]])
            self.assertEqual(len(entries), 1)
            seen += entries
            if not page["IsTruncated"]:
                self.assertNotIn("Marker", page)
                break
            marker = page["Marker"]
        self.assertEqual(seen, expected)
        self.assertEqual(pages, len(expected))
        # The SDK's paginator merges the pages back.
        merged = {"UserDetailList": [], "Policies": []}
        for page in iam.get_paginator("get_account_authorization_details").paginate(
                PaginationConfig={"PageSize": 2}):
            merged["UserDetailList"] += page["UserDetailList"]
            merged["Policies"] += page["Policies"]
        self.assertEqual(merged["UserDetailList"], whole["UserDetailList"])

    def test_cli(self):
        code, out, err = self.aws_cli("iam", "get-account-authorization-details",
                                      "--filter", "User", "--max-items", "1")
        self.assertEqual(code, 0, err)
        answer = json.loads(out)
        self.assertEqual([u["UserName"] for u in answer["UserDetailList"]], ["admin"])
        self.assertIn("NextToken", answer)


class CredentialReportTest(AccountTestCase):
    HEADER = ["user", "arn", "user_creation_time", "password_enabled", "password_last_used",
              "password_last_changed", "password_next_rotation", "mfa_active",
              "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
              "access_key_1_last_used_region", "access_key_1_last_used_service",
              "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
              "access_key_2_last_used_region", "access_key_2_last_used_service",
              "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"]

    def test_report(self):
        iam = self.admin("iam")
        error = self.assertError(iam.get_credential_report, "ReportNotPresent", None, 410)
        self.assertIn("when calling the GetCredentialReport operation: Unknown", str(error))

        iam.create_user(UserName="report-user")
        first = iam.create_access_key(UserName="report-user")["AccessKey"]
        time.sleep(1.1)  # keys are ordered by creation time, kept to the second
        second = iam.create_access_key(UserName="report-user")["AccessKey"]
        iam.update_access_key(UserName="report-user", AccessKeyId=second["AccessKeyId"],
                              Status="Inactive")
        with self.assertRaises(ClientError):  # a use of the key, denied or not
            self.client("iam", first["AccessKeyId"], first["SecretAccessKey"]).list_users()

        generated = iam.generate_credential_report()
        self.assertEqual(generated["State"], "STARTED")
        self.assertEqual(generated["Description"],
                         "No report exists. Starting a new report generation task")
        again = iam.generate_credential_report()
        self.assertEqual(again["State"], "COMPLETE")
        self.assertNotIn("Description", again)

        report = iam.get_credential_report()
        self.assertEqual(report["ReportFormat"], "text/csv")
        self.assertIsInstance(report["GeneratedTime"], datetime.datetime)
        self.assertIsInstance(report["Content"], bytes)
        rows = list(csv.reader(io.StringIO(report["Content"].decode())))
        self.assertEqual(rows[0], self.HEADER)
        root = dict(zip(self.HEADER, rows[1]))
        self.assertEqual(root["user"], "<root_account>")
        self.assertEqual(root["arn"], "arn:aws:iam::%s:root" % self.account)
        self.assertRegex(root["user_creation_time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        for column in ("password_enabled", "password_last_changed", "password_next_rotation"):
            self.assertEqual(root[column], "not_supported")
        self.assertEqual(root["password_last_used"], "no_information")
        self.assertEqual(root["mfa_active"], "false")
        self.assertEqual(root["access_key_1_active"], "false")
        self.assertEqual(root["access_key_1_last_rotated"], "N/A")

        users = {row[0]: dict(zip(self.HEADER, row)) for row in rows[2:]}
        self.assertEqual(set(users), {"admin", "report-user"})
        user = users["report-user"]
        self.assertEqual(user["arn"], "arn:aws:iam::%s:user/report-user" % self.account)
        self.assertEqual(user["password_enabled"], "false")
        for column in ("password_last_used", "password_last_changed", "password_next_rotation",
                       "cert_1_last_rotated", "cert_2_last_rotated",
                       "access_key_2_last_used_date", "access_key_2_last_used_region",
                       "access_key_2_last_used_service"):
            self.assertEqual(user[column], "N/A", column)
        self.assertEqual(user["mfa_active"], "false")
        self.assertEqual(user["access_key_1_active"], "true")
        self.assertEqual(user["access_key_1_last_rotated"],
                         first["CreateDate"].strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        self.assertRegex(user["access_key_1_last_used_date"], r"\+00:00$")
        self.assertEqual(user["access_key_1_last_used_region"], "us-east-1")
        self.assertEqual(user["access_key_1_last_used_service"], "iam")
        self.assertEqual(user["access_key_2_active"], "false")
        self.assertEqual(user["access_key_2_last_rotated"],
                         second["CreateDate"].strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        self.assertEqual(user["cert_1_active"], "false")
        self.assertEqual(user["cert_2_active"], "false")

        # The AWS CLI prints the blob as base64.
        code, out, err = self.aws_cli("iam", "get-credential-report")
        self.assertEqual(code, 0, err)
        self.assertEqual(base64.b64decode(json.loads(out)["Content"]), report["Content"])



if __name__ == "__main__":
    unittest.main()
