"""Organizations' accounts driven with boto3 and the AWS CLI against `gatehouse serve`: the
asynchronous CreateAccount and its status, the created account's fields, its
OrganizationAccountAccessRole assumed from the management account (and refused to a user no
policy lets assume it), failed requests, moving, closing and removing accounts, a member leaving,
tags on accounts, OUs and the root, member accounts refused the management account's
operations, and ListAccounts paginating over 1,000 created accounts.

Run: python3 -m unittest test_organizations_accounts (from tests/integration, GATEHOUSE_BIN set
by ctest).
"""
import concurrent.futures
import json
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

ROLE = "OrganizationAccountAccessRole"


def error_code(e):
    return e.response["Error"]["Code"]


class OrganizationTestCase(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orgs = cls.admin("organizations")
        cls.organization = cls.orgs.create_organization(FeatureSet="ALL")["Organization"]
        cls.root_id = cls.orgs.list_roots()["Roots"][0]["Id"]

    @classmethod
    def wait_for(cls, request_id, timeout=20):
        deadline = time.time() + timeout
        while True:
            status = cls.orgs.describe_create_account_status(
                CreateAccountRequestId=request_id)["CreateAccountStatus"]
            if status["State"] != "IN_PROGRESS" or time.time() > deadline:
                return status
            time.sleep(0.02)

    @classmethod
    def new_account(cls, name, **kwargs):
        started = cls.orgs.create_account(AccountName=name, Email="%s@example.com" % name,
                                          **kwargs)["CreateAccountStatus"]
        status = cls.wait_for(started["Id"])
        assert status["State"] == "SUCCEEDED", status
        return status["AccountId"]

    @classmethod
    def role_client(cls, service, account_id, session="test"):
        creds = cls.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/%s" % (account_id, ROLE),
            RoleSessionName=session)["Credentials"]
        return boto3.client(service, endpoint_url=cls.endpoint, region_name="us-east-1",
                            aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"],
                            config=Config(retries={"max_attempts": 1}))


class CreateAccountTest(OrganizationTestCase):
    def test_create_account_completes_in_the_background_with_a_usable_role(self):
        started = self.orgs.create_account(AccountName="Dev", Email="dev@example.com",
                                           IamUserAccessToBilling="DENY",
                                           Tags=[{"Key": "team", "Value": "blue"}])
        status = started["CreateAccountStatus"]
        self.assertTrue(status["Id"].startswith("car-"), status)
        self.assertEqual(status["State"], "IN_PROGRESS")
        self.assertEqual(status["AccountName"], "Dev")
        done = self.wait_for(status["Id"])
        self.assertEqual(done["State"], "SUCCEEDED", done)
        self.assertIn("CompletedTimestamp", done)
        account_id = done["AccountId"]
        self.assertRegex(account_id, r"^\d{12}$")

        account = self.orgs.describe_account(AccountId=account_id)["Account"]
        self.assertEqual(account["Email"], "dev@example.com")
        self.assertEqual(account["Name"], "Dev")
        self.assertEqual(account["Status"], "ACTIVE")
        self.assertEqual(account["State"], "ACTIVE")
        self.assertEqual(account["JoinedMethod"], "CREATED")
        self.assertEqual(account["Arn"], "arn:aws:organizations::%s:account/%s/%s"
                         % (self.account, self.organization["Id"], account_id))
        listed = {a["Id"]: a for a in self.orgs.list_accounts()["Accounts"]}
        self.assertIn(self.account, listed)
        self.assertEqual(listed[account_id]["Email"], "dev@example.com")
        self.assertEqual(self.orgs.list_tags_for_resource(ResourceId=account_id)["Tags"],
                         [{"Key": "team", "Value": "blue"}])
        # The account starts under the root with FullAWSAccess attached.
        under_root = self.orgs.list_accounts_for_parent(ParentId=self.root_id)["Accounts"]
        self.assertIn(account_id, [a["Id"] for a in under_root])

        # The management account's admin administers the new account through its role.
        iam = self.role_client("iam", account_id)
        iam.create_user(UserName="made-by-management")
        self.assertEqual(iam.get_user(UserName="made-by-management")["User"]["Arn"],
                         "arn:aws:iam::%s:user/made-by-management" % account_id)
        role = iam.get_role(RoleName=ROLE)["Role"]
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"AWS": "arn:aws:iam::%s:root" % self.account})
        attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
        self.assertEqual([p["PolicyArn"] for p in attached],
                         ["arn:aws:iam::aws:policy/AdministratorAccess"])
        identity = self.role_client("sts", account_id).get_caller_identity()
        self.assertEqual(identity["Account"], account_id)

    def test_a_management_user_without_permission_cannot_assume_the_role(self):
        account_id = self.new_account("noassume")
        sts = self.new_user_client("sts", "no-assume-user", json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
        with self.assertRaises(ClientError) as e:
            sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (account_id, ROLE),
                            RoleSessionName="nope")
        self.assertEqual(error_code(e.exception), "AccessDenied")

    def test_custom_role_name_and_the_cli(self):
        code, out, err = self.aws_cli("organizations", "create-account", "--account-name", "Cli",
                                      "--email", "cli@example.com", "--role-name", "OrgAdmin")
        self.assertEqual(code, 0, err)
        request_id = json.loads(out)["CreateAccountStatus"]["Id"]
        self.assertEqual(self.wait_for(request_id)["State"], "SUCCEEDED")
        code, out, err = self.aws_cli("organizations", "describe-create-account-status",
                                      "--create-account-request-id", request_id)
        self.assertEqual(code, 0, err)
        account_id = json.loads(out)["CreateAccountStatus"]["AccountId"]
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrgAdmin" % account_id,
            RoleSessionName="cli")["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        code, out, err = self.aws_cli("organizations", "list-create-account-status",
                                      "--states", "SUCCEEDED")
        self.assertEqual(code, 0, err)
        self.assertIn(request_id, [s["Id"] for s in json.loads(out)["CreateAccountStatuses"]])

    def test_failed_requests_and_unknown_requests(self):
        self.new_account("twice")
        again = self.orgs.create_account(AccountName="Twice again", Email="TWICE@example.com")
        done = self.wait_for(again["CreateAccountStatus"]["Id"])
        self.assertEqual(done["State"], "FAILED")
        self.assertEqual(done["FailureReason"], "EMAIL_ALREADY_EXISTS")
        self.assertNotIn("AccountId", done)
        # The management account's own root email is taken too.
        mine = self.orgs.describe_organization()["Organization"]["MasterAccountEmail"]
        taken = self.orgs.create_account(AccountName="Mine", Email=mine.upper())
        self.assertEqual(self.wait_for(taken["CreateAccountStatus"]["Id"])["FailureReason"],
                         "EMAIL_ALREADY_EXISTS")
        failed = self.orgs.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
        self.assertIn(done["Id"], [s["Id"] for s in failed])
        self.assertTrue(all(s["State"] == "FAILED" for s in failed))
        with self.assertRaises(ClientError) as e:
            self.orgs.describe_create_account_status(CreateAccountRequestId="car-0123456789ab")
        self.assertEqual(error_code(e.exception), "CreateAccountStatusNotFoundException")
        with self.assertRaises(ClientError) as e:
            self.orgs.describe_account(AccountId="999999999990")
        self.assertEqual(error_code(e.exception), "AccountNotFoundException")


    def test_govcloud_accounts_are_refused_as_aws_refuses_them(self):
        response = self.assertOrgError(self.orgs.create_gov_cloud_account,
                                       "ConstraintViolationException",
                                       "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED",
                                       Email="gov@example.com", AccountName="gov")
        self.assertIn("GovCloud", response["Error"]["Message"])


class AccountChangesTest(OrganizationTestCase):
    def test_move_account_and_its_errors(self):
        account_id = self.new_account("mover")
        ou = self.orgs.create_organizational_unit(ParentId=self.root_id, Name="Work")
        ou_id = ou["OrganizationalUnit"]["Id"]
        self.orgs.move_account(AccountId=account_id, SourceParentId=self.root_id,
                               DestinationParentId=ou_id)
        in_ou = self.orgs.list_accounts_for_parent(ParentId=ou_id)["Accounts"]
        self.assertEqual([a["Id"] for a in in_ou], [account_id])
        in_root = self.orgs.list_accounts_for_parent(ParentId=self.root_id)["Accounts"]
        self.assertNotIn(account_id, [a["Id"] for a in in_root])
        self.assertEqual(self.orgs.list_parents(ChildId=account_id)["Parents"][0]["Id"], ou_id)
        cases = [
            (dict(SourceParentId=ou_id, DestinationParentId=ou_id), "DuplicateAccountException"),
            (dict(SourceParentId="ou-zzzz-zzzzzzzz", DestinationParentId=self.root_id),
             "SourceParentNotFoundException"),
            (dict(SourceParentId=ou_id, DestinationParentId="ou-zzzz-zzzzzzzz"),
             "DestinationParentNotFoundException"),
        ]
        for kwargs, code in cases:
            with self.assertRaises(ClientError) as e:
                self.orgs.move_account(AccountId=account_id, **kwargs)
            self.assertEqual(error_code(e.exception), code, kwargs)
        with self.assertRaises(ClientError) as e:
            self.orgs.move_account(AccountId="999999999990", SourceParentId=self.root_id,
                                   DestinationParentId=ou_id)
        self.assertEqual(error_code(e.exception), "AccountNotFoundException")
        with self.assertRaises(ClientError) as e:
            self.orgs.list_accounts_for_parent(ParentId="ou-zzzz-zzzzzzzz")
        self.assertEqual(error_code(e.exception), "ParentNotFoundException")

    def test_close_account(self):
        account_id = self.new_account("closer")
        code, _, err = self.aws_cli("organizations", "close-account", "--account-id", account_id)
        self.assertEqual(code, 0, err)
        closed = self.orgs.describe_account(AccountId=account_id)["Account"]
        self.assertEqual((closed["Status"], closed["State"]), ("SUSPENDED", "SUSPENDED"))
        with self.assertRaises(ClientError) as e:
            self.orgs.close_account(AccountId=account_id)
        self.assertEqual(error_code(e.exception), "AccountAlreadyClosedException")
        with self.assertRaises(ClientError) as e:
            self.orgs.close_account(AccountId=self.account)
        self.assertEqual(error_code(e.exception), "ConstraintViolationException")
        self.assertEqual(e.exception.response["Reason"], "CANNOT_CLOSE_MANAGEMENT_ACCOUNT")

    def test_remove_account_keeps_it_standalone(self):
        account_id = self.new_account("removed")
        self.orgs.remove_account_from_organization(AccountId=account_id)
        ids = [a["Id"] for a in self.orgs.list_accounts()["Accounts"]]
        self.assertNotIn(account_id, ids)
        with self.assertRaises(ClientError) as e:
            self.orgs.describe_account(AccountId=account_id)
        self.assertEqual(error_code(e.exception), "AccountNotFoundException")
        # The account itself and its role remain.
        self.assertEqual(self.role_client("sts", account_id).get_caller_identity()["Account"],
                         account_id)
        with self.assertRaises(ClientError) as e:
            self.role_client("organizations", account_id).describe_organization()
        self.assertEqual(error_code(e.exception), "AWSOrganizationsNotInUseException")
        with self.assertRaises(ClientError) as e:
            self.orgs.remove_account_from_organization(AccountId=self.account)
        self.assertEqual(error_code(e.exception), "MasterCannotLeaveOrganizationException")
        with self.assertRaises(ClientError) as e:
            self.orgs.remove_account_from_organization(AccountId=account_id)
        self.assertEqual(error_code(e.exception), "AccountNotFoundException")

    def test_a_member_leaves_and_is_refused_management_operations(self):
        account_id = self.new_account("leaver")
        member = self.role_client("organizations", account_id)
        self.assertEqual(member.describe_organization()["Organization"]["Id"],
                         self.organization["Id"])
        for call in (lambda: member.list_accounts(),
                     lambda: member.describe_account(AccountId=account_id),
                     lambda: member.create_account(AccountName="x", Email="x@example.com")):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(error_code(e.exception), "AccessDeniedException")
        member.leave_organization()
        self.assertNotIn(account_id, [a["Id"] for a in self.orgs.list_accounts()["Accounts"]])
        with self.assertRaises(ClientError) as e:
            member.leave_organization()
        self.assertEqual(error_code(e.exception), "AWSOrganizationsNotInUseException")
        with self.assertRaises(ClientError) as e:
            self.orgs.leave_organization()
        self.assertEqual(error_code(e.exception), "MasterCannotLeaveOrganizationException")

    def test_tags_on_accounts_ous_and_the_root(self):
        account_id = self.new_account("tagged")
        ou_id = self.orgs.create_organizational_unit(
            ParentId=self.root_id, Name="Tagged")["OrganizationalUnit"]["Id"]
        for resource in (account_id, ou_id, self.root_id):
            self.orgs.tag_resource(ResourceId=resource, Tags=[{"Key": "a", "Value": "1"},
                                                              {"Key": "b", "Value": "2"}])
            self.orgs.tag_resource(ResourceId=resource, Tags=[{"Key": "a", "Value": "3"}])
            self.orgs.untag_resource(ResourceId=resource, TagKeys=["b"])
            self.assertEqual(self.orgs.list_tags_for_resource(ResourceId=resource)["Tags"],
                             [{"Key": "a", "Value": "3"}], resource)
        code, out, err = self.aws_cli("organizations", "list-tags-for-resource",
                                      "--resource-id", ou_id)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Tags"], [{"Key": "a", "Value": "3"}])
        with self.assertRaises(ClientError) as e:
            self.orgs.tag_resource(ResourceId=account_id,
                                   Tags=[{"Key": "aws:reserved", "Value": "x"}])
        self.assertEqual(error_code(e.exception), "InvalidInputException")
        # A key twice in one request; keys differing in case are two keys.
        with self.assertRaises(ClientError) as e:
            self.orgs.tag_resource(ResourceId=ou_id, Tags=[{"Key": "c", "Value": "1"},
                                                           {"Key": "c", "Value": "2"}])
        self.assertEqual((error_code(e.exception), e.exception.response["Reason"]),
                         ("InvalidInputException", "DUPLICATE_TAG_KEY"))
        self.orgs.tag_resource(ResourceId=ou_id, Tags=[{"Key": "c", "Value": "1"},
                                                       {"Key": "C", "Value": "2"}])
        self.assertEqual(len(self.orgs.list_tags_for_resource(ResourceId=ou_id)["Tags"]), 3)
        for unknown in ("999999999990", "ou-zzzz-zzzzzzzz", "p-zzzzzzzz"):
            with self.assertRaises(ClientError) as e:
                self.orgs.list_tags_for_resource(ResourceId=unknown)
            self.assertEqual(error_code(e.exception), "TargetNotFoundException", unknown)


class ManyAccountsTest(OrganizationTestCase):
    extra_args = ["--max-accounts", "1100"]
    COUNT = 1000

    def test_list_accounts_pages_over_a_thousand_accounts(self):
        def create(i, client):
            return client.create_account(AccountName="bulk-%d" % i,
                                         Email="bulk-%d@example.com" % i)

        clients = [self.admin("organizations") for _ in range(8)]
        with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
            futures = [pool.submit(create, i, clients[i % len(clients)])
                       for i in range(self.COUNT)]
            for f in futures:
                self.assertEqual(f.result()["CreateAccountStatus"]["State"], "IN_PROGRESS")
        deadline = time.time() + 60
        while self.orgs.list_create_account_status(States=["IN_PROGRESS"],
                                                   MaxResults=1)["CreateAccountStatuses"]:
            self.assertLess(time.time(), deadline)
            time.sleep(0.1)
        failed = self.orgs.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
        self.assertEqual(failed, [])

        seen = []
        pages = 0
        kwargs = {"MaxResults": 20}
        while True:
            page = self.orgs.list_accounts(**kwargs)
            pages += 1
            self.assertLessEqual(len(page["Accounts"]), 20)
            seen += [a["Id"] for a in page["Accounts"]]
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        self.assertEqual(len(seen), self.COUNT + 1)
        self.assertEqual(len(set(seen)), len(seen))
        self.assertIn(self.account, seen)
        self.assertGreaterEqual(pages, (self.COUNT + 1) // 20)
        # The paginator of boto3 walks the same pages.
        paged = [a["Id"] for p in self.orgs.get_paginator("list_accounts").paginate()
                 for a in p["Accounts"]]
        self.assertEqual(sorted(paged), sorted(seen))



class QuotaTest(OrganizationTestCase):
    extra_args = ["--max-accounts", "2"]

    def test_requests_beyond_the_quota_fail(self):
        self.new_account("within")  # the management account is the other one
        over = self.orgs.create_account(AccountName="over", Email="over@example.com")
        done = self.wait_for(over["CreateAccountStatus"]["Id"])
        self.assertEqual(done["State"], "FAILED")
        self.assertEqual(done["FailureReason"], "ACCOUNT_LIMIT_EXCEEDED")
        self.assertEqual(len(self.orgs.list_accounts()["Accounts"]), 2)
