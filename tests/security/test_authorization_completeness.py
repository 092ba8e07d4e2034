"""Every permission an operation needs is checked: tags given on create need the tag action (with
aws:RequestTag and aws:TagKeys), renames and moves need permission on the target as well as the
source, and a closed account's principals and roles are refused."""
import json
import unittest

from botocore.exceptions import ClientError

from org_fixture import OrganizationTestCase


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", condition=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


class AuthorizationCompletenessTest(OrganizationTestCase):
    def assert_denied(self, call, action, code="AccessDenied"):
        with self.assertRaises(ClientError) as ctx:
            call()
        error = ctx.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        self.assertIn("not authorized to perform: " + action, error["Message"])

    def test_tags_on_create_need_the_tag_action(self):
        creator = self.new_user_client("iam", "creator", document(
            allow(["iam:CreateUser", "iam:CreateRole", "iam:CreatePolicy"])))
        tags = [{"Key": "team", "Value": "red"}]
        self.assert_denied(lambda: creator.create_user(UserName="tagged", Tags=tags),
                           "iam:TagUser")
        trust = document({"Effect": "Allow", "Action": "sts:AssumeRole",
                          "Principal": {"AWS": self.account}})
        self.assert_denied(lambda: creator.create_role(RoleName="tagged", Tags=tags,
                                                       AssumeRolePolicyDocument=trust),
                           "iam:TagRole")
        self.assert_denied(lambda: creator.create_policy(
            PolicyName="tagged", Tags=tags, PolicyDocument=document(allow("iam:GetUser"))),
            "iam:TagPolicy")
        iam = self.admin("iam")
        for get in (lambda: iam.get_user(UserName="tagged"),
                    lambda: iam.get_role(RoleName="tagged")):
            with self.assertRaises(ClientError):
                get()
        # Without tags the same calls pass.
        creator.create_user(UserName="untagged")

    def test_tag_conditions_apply_to_tags_on_create(self):
        blue_only = self.new_user_client("iam", "blue-creator", document(
            allow("iam:CreateUser"),
            allow("iam:TagUser", condition={"StringEquals": {"aws:RequestTag/team": "blue"},
                                            "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})))
        self.assert_denied(lambda: blue_only.create_user(
            UserName="red-user", Tags=[{"Key": "team", "Value": "red"}]), "iam:TagUser")
        self.assert_denied(lambda: blue_only.create_user(
            UserName="extra-user", Tags=[{"Key": "team", "Value": "blue"},
                                         {"Key": "cost", "Value": "1"}]), "iam:TagUser")
        blue_only.create_user(UserName="blue-user", Tags=[{"Key": "team", "Value": "blue"}])
        self.assertEqual(self.admin("iam").list_user_tags(UserName="blue-user")["Tags"],
                         [{"Key": "team", "Value": "blue"}])

    def test_a_rename_needs_permission_on_the_new_name(self):
        iam = self.admin("iam")
        iam.create_user(UserName="old-a")
        renamer = self.new_user_client("iam", "renamer", document(
            allow("iam:UpdateUser", "arn:aws:iam::%s:user/old-*" % self.account)))
        self.assert_denied(lambda: renamer.update_user(UserName="old-a", NewUserName="new-a"),
                           "iam:UpdateUser")
        self.assert_denied(lambda: renamer.update_user(UserName="old-a", NewPath="/elsewhere/"),
                           "iam:UpdateUser")
        iam.get_user(UserName="old-a")
        renamer.update_user(UserName="old-a", NewUserName="old-b")
        iam.get_user(UserName="old-b")

    def test_a_move_needs_permission_on_source_and_destination(self):
        org = self.admin("organizations")
        member = self.created_account("moved@example.com", "Moved")
        ou = org.create_organizational_unit(ParentId=self.root_id,
                                            Name="Target")["OrganizationalUnit"]
        mover = self.new_user_client("organizations", "mover", document(
            allow("organizations:MoveAccount", ["arn:aws:organizations::*:account/*",
                                                "arn:aws:organizations::*:ou/*"])))
        self.assert_denied(lambda: mover.move_account(
            AccountId=member, SourceParentId=self.root_id, DestinationParentId=ou["Id"]),
            "organizations:MoveAccount", code="AccessDeniedException")
        parents = org.list_parents(ChildId=member)["Parents"]
        self.assertEqual(parents[0]["Id"], self.root_id)

    def test_tags_on_organizations_creates_need_tag_resource(self):
        creator = self.new_user_client("organizations", "ou-creator", document(
            allow("organizations:CreateOrganizationalUnit")))
        self.assert_denied(lambda: creator.create_organizational_unit(
            ParentId=self.root_id, Name="Tagged", Tags=[{"Key": "k", "Value": "v"}]),
            "organizations:TagResource", code="AccessDeniedException")
        creator.create_organizational_unit(ParentId=self.root_id, Name="Untagged")

    def test_a_closed_accounts_principals_and_roles_are_refused(self):
        member = self.created_account("closing@example.com", "Closing")
        creds = self.member_admin(member)
        member_iam = self.session_client("iam", creds)
        member_iam.create_user(UserName="resident")
        key = member_iam.create_access_key(UserName="resident")["AccessKey"]
        resident = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        resident.get_caller_identity()
        self.admin("organizations").close_account(AccountId=member)
        with self.assertRaises(ClientError) as ctx:
            resident.get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidClientTokenId")
        with self.assertRaises(ClientError) as ctx:
            member_iam.list_users()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidClientTokenId")
        with self.assertRaises(ClientError) as ctx:
            self.member_admin(member)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")


if __name__ == "__main__":
    unittest.main()
