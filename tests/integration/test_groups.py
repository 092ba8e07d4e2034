"""IAM groups through real clients (boto3 and the AWS CLI): the group operations, memberships,
group inline and attached policies with AWS's errors, quotas and pagination, and the group's
policies deciding its members' requests.

Run: ctest -R integration_groups (GATEHOUSE_BIN points at the binary).
"""
import datetime
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def policy(effect, action, resource="*"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


class GroupsTest(GatehouseTestCase):
    def setUp(self):
        self.iam = self.admin("iam")

    def assertError(self, code, message, status, call, *args, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(*args, **kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code)
        self.assertEqual(response["Error"]["Message"], message)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)

    def pages(self, call, key, **kwargs):
        """Every page of a MaxItems=2 listing, following Marker by hand."""
        pages = []
        marker = None
        while True:
            args = dict(kwargs, MaxItems=2)
            if marker is not None:
                args["Marker"] = marker
            page = call(**args)
            pages.append(page[key])
            if not page["IsTruncated"]:
                self.assertNotIn("Marker", page)
                return pages
            marker = page["Marker"]

    # --- groups ---

    def test_create_get_list_delete(self):
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
        group = self.iam.create_group(GroupName="Builders", Path="/eng/")["Group"]
        self.assertEqual(group["GroupName"], "Builders")
        self.assertEqual(group["Path"], "/eng/")
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/eng/Builders" % self.account)
        self.assertRegex(group["GroupId"], r"^AGPA[A-Z2-7]{17}$")
        self.assertGreater(group["CreateDate"], before)

        got = self.iam.get_group(GroupName="builders")  # names match regardless of case
        self.assertEqual(got["Group"], group)
        self.assertEqual(got["Users"], [])
        self.assertFalse(got["IsTruncated"])

        plain = self.iam.create_group(GroupName="Plain")["Group"]
        self.assertEqual(plain["Path"], "/")
        self.assertEqual(plain["Arn"], "arn:aws:iam::%s:group/Plain" % self.account)
        self.assertNotEqual(plain["GroupId"], group["GroupId"])

        self.assertError("EntityAlreadyExists", "Group with name BUILDERS already exists.", 409,
                         self.iam.create_group, GroupName="BUILDERS")

        listed = self.iam.list_groups(PathPrefix="/eng/")
        self.assertEqual([g["GroupName"] for g in listed["Groups"]], ["Builders"])
        self.assertEqual(listed["Groups"][0], group)
        self.assertFalse(listed["IsTruncated"])
        names = [g["GroupName"] for g in self.iam.list_groups()["Groups"]]
        self.assertIn("Builders", names)
        self.assertIn("Plain", names)

        self.iam.delete_group(GroupName="BUILDERS")
        self.iam.delete_group(GroupName="Plain")
        self.assertError("NoSuchEntity", "The group with name Builders cannot be found.", 404,
                         self.iam.get_group, GroupName="Builders")
        self.assertError("NoSuchEntity", "The group with name Builders cannot be found.", 404,
                         self.iam.delete_group, GroupName="Builders")
        self.assertEqual(self.iam.list_groups(PathPrefix="/eng/")["Groups"], [])

    def test_aws_cli(self):
        code, out, err = self.aws_cli("iam", "create-group", "--group-name", "CliGroup",
                                      "--path", "/cli/")
        self.assertEqual(code, 0, err)
        group = json.loads(out)["Group"]
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/cli/CliGroup" % self.account)
        self.assertTrue(group["GroupId"].startswith("AGPA"))

        self.iam.create_user(UserName="cli-member")
        code, out, err = self.aws_cli("iam", "add-user-to-group", "--group-name", "CliGroup",
                                      "--user-name", "cli-member")
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "get-group", "--group-name", "CliGroup")
        self.assertEqual(code, 0, err)
        got = json.loads(out)
        self.assertEqual(got["Group"]["GroupId"], group["GroupId"])
        self.assertEqual([u["UserName"] for u in got["Users"]], ["cli-member"])

        code, out, err = self.aws_cli("iam", "put-group-policy", "--group-name", "CliGroup",
                                      "--policy-name", "read",
                                      "--policy-document", policy("Allow", "iam:Get*"))
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "get-group-policy", "--group-name", "CliGroup",
                                      "--policy-name", "read")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["PolicyDocument"]["Statement"][0]["Action"], "iam:Get*")
        code, out, err = self.aws_cli("iam", "attach-group-policy", "--group-name", "CliGroup",
                                      "--policy-arn", ADMIN_ARN)
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "list-attached-group-policies",
                                      "--group-name", "CliGroup")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["AttachedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}])
        code, out, err = self.aws_cli("iam", "list-groups-for-user", "--user-name", "cli-member")
        self.assertEqual(code, 0, err)
        self.assertEqual([g["GroupName"] for g in json.loads(out)["Groups"]], ["CliGroup"])

        code, out, err = self.aws_cli("iam", "create-group", "--group-name", "cligroup")
        self.assertNotEqual(code, 0)
        self.assertIn("An error occurred (EntityAlreadyExists) when calling the CreateGroup "
                      "operation: Group with name cligroup already exists.", err)
        code, out, err = self.aws_cli("iam", "delete-group", "--group-name", "CliGroup")
        self.assertNotEqual(code, 0)
        self.assertIn("(DeleteConflict) when calling the DeleteGroup operation: Cannot delete "
                      "entity, must remove users from group first.", err)

    def test_update_group_path_and_name_conflict(self):
        self.iam.create_group(GroupName="Movers", Path="/a/")
        self.iam.create_group(GroupName="Taken")
        self.assertError("EntityAlreadyExists", "Group with name TAKEN already exists.", 409,
                         self.iam.update_group, GroupName="Movers", NewGroupName="TAKEN")
        self.assertError("NoSuchEntity", "The group with name Nobody cannot be found.", 404,
                         self.iam.update_group, GroupName="Nobody", NewPath="/b/")
        self.iam.update_group(GroupName="movers", NewPath="/b/")
        group = self.iam.get_group(GroupName="Movers")["Group"]
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/b/Movers" % self.account)
        # A change of case only is a rename.
        self.iam.update_group(GroupName="Movers", NewGroupName="MOVERS")
        renamed = self.iam.get_group(GroupName="movers")["Group"]
        self.assertEqual(renamed["GroupName"], "MOVERS")
        self.assertEqual(renamed["GroupId"], group["GroupId"])
        self.assertEqual(renamed["CreateDate"], group["CreateDate"])

    # --- memberships ---

    def test_membership(self):
        self.iam.create_group(GroupName="Members")
        user = self.iam.create_user(UserName="member-a", Path="/people/")["User"]
        self.assertError("NoSuchEntity", "The group with name Absent cannot be found.", 404,
                         self.iam.add_user_to_group, GroupName="Absent", UserName="member-a")
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.", 404,
                         self.iam.add_user_to_group, GroupName="Members", UserName="nobody")
        self.iam.add_user_to_group(GroupName="members", UserName="MEMBER-A")
        self.iam.add_user_to_group(GroupName="Members", UserName="member-a")  # idempotent
        got = self.iam.get_group(GroupName="Members")
        self.assertEqual(len(got["Users"]), 1)
        member = got["Users"][0]
        for field in ("Path", "UserName", "UserId", "Arn", "CreateDate"):
            self.assertEqual(member[field], user[field])
        groups = self.iam.list_groups_for_user(UserName="member-a")
        self.assertEqual([g["GroupName"] for g in groups["Groups"]], ["Members"])
        self.assertFalse(groups["IsTruncated"])
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.", 404,
                         self.iam.list_groups_for_user, UserName="nobody")

        # Neither a group with members nor a user in a group can be deleted.
        self.assertError("DeleteConflict",
                         "Cannot delete entity, must remove users from group first.", 409,
                         self.iam.delete_group, GroupName="Members")
        self.assertError("DeleteConflict",
                         "Cannot delete entity, must remove users from group first.", 409,
                         self.iam.delete_user, UserName="member-a")

        self.iam.remove_user_from_group(GroupName="MEMBERS", UserName="Member-A")
        self.assertEqual(self.iam.get_group(GroupName="Members")["Users"], [])
        self.assertEqual(self.iam.list_groups_for_user(UserName="member-a")["Groups"], [])
        self.assertError("NoSuchEntity", "The user with name member-a cannot be found.", 404,
                         self.iam.remove_user_from_group, GroupName="Members",
                         UserName="member-a")
        self.assertError("NoSuchEntity", "The group with name Absent cannot be found.", 404,
                         self.iam.remove_user_from_group, GroupName="Absent",
                         UserName="member-a")
        self.iam.delete_user(UserName="member-a")
        self.iam.delete_group(GroupName="Members")

    def test_groups_per_user_quota(self):
        self.iam.create_user(UserName="joiner")
        for i in range(11):
            self.iam.create_group(GroupName="quota-%02d" % i, Path="/quota/")
        for i in range(10):
            self.iam.add_user_to_group(GroupName="quota-%02d" % i, UserName="joiner")
        self.assertError("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10", 409,
                         self.iam.add_user_to_group, GroupName="quota-10", UserName="joiner")
        self.iam.add_user_to_group(GroupName="quota-03", UserName="joiner")  # already in it
        self.assertEqual(len(self.iam.list_groups_for_user(UserName="joiner")["Groups"]), 10)
        self.iam.remove_user_from_group(GroupName="quota-00", UserName="joiner")
        self.iam.add_user_to_group(GroupName="quota-10", UserName="joiner")

    # --- policies ---

    def test_inline_policies(self):
        self.iam.create_group(GroupName="Inline")
        document = policy("Allow", "iam:ListUsers")
        self.assertError("NoSuchEntity", "The group with name Ghost cannot be found.", 404,
                         self.iam.put_group_policy, GroupName="Ghost", PolicyName="p",
                         PolicyDocument=document)
        self.iam.put_group_policy(GroupName="Inline", PolicyName="Lister", PolicyDocument=document)
        got = self.iam.get_group_policy(GroupName="inline", PolicyName="lister")
        self.assertEqual(got["GroupName"], "Inline")
        self.assertEqual(got["PolicyName"], "Lister")
        self.assertEqual(got["PolicyDocument"], json.loads(document))

        # Replacing keeps the name as first written.
        self.iam.put_group_policy(GroupName="Inline", PolicyName="LISTER",
                                  PolicyDocument=policy("Allow", "iam:GetUser"))
        self.iam.put_group_policy(GroupName="Inline", PolicyName="Another",
                                  PolicyDocument=document)
        listed = self.iam.list_group_policies(GroupName="Inline")
        self.assertEqual(listed["PolicyNames"], ["Another", "Lister"])
        self.assertFalse(listed["IsTruncated"])
        got = self.iam.get_group_policy(GroupName="Inline", PolicyName="Lister")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], "iam:GetUser")

        self.assertError("NoSuchEntity", "The group policy with name Missing cannot be found.",
                         404, self.iam.get_group_policy, GroupName="Inline",
                         PolicyName="Missing")
        self.assertError("NoSuchEntity", "The group policy with name Missing cannot be found.",
                         404, self.iam.delete_group_policy, GroupName="Inline",
                         PolicyName="Missing")
        self.assertError("DeleteConflict", "Cannot delete entity, must delete policies first.",
                         409, self.iam.delete_group, GroupName="Inline")
        self.iam.delete_group_policy(GroupName="Inline", PolicyName="another")
        self.iam.delete_group_policy(GroupName="Inline", PolicyName="Lister")
        self.assertEqual(self.iam.list_group_policies(GroupName="Inline")["PolicyNames"], [])
        self.iam.delete_group(GroupName="Inline")

    def test_malformed_and_oversized_inline_policies(self):
        self.iam.create_group(GroupName="Strict")
        self.assertError("MalformedPolicyDocument", "Syntax errors in policy.", 400,
                         self.iam.put_group_policy, GroupName="Strict", PolicyName="bad",
                         PolicyDocument='{"Version": "2012-10-17", "Statement": [')
        no_effect = json.dumps({"Version": "2012-10-17",
                                "Statement": [{"Action": "iam:*", "Resource": "*"}]})
        with self.assertRaises(ClientError) as cm:
            self.iam.put_group_policy(GroupName="Strict", PolicyName="bad",
                                      PolicyDocument=no_effect)
        self.assertEqual(cm.exception.response["Error"]["Code"], "MalformedPolicyDocument")

        # 5,120 characters (whitespace not counted) for all of a group's inline policies: two
        # of about 2,400 fit (a user's 2,048 would not), a third does not.
        def big(n):
            actions = ["iam:GetUser%04d" % i for i in range(n)]
            return json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": "*"}]})
        self.iam.put_group_policy(GroupName="Strict", PolicyName="one", PolicyDocument=big(130))
        self.iam.put_group_policy(GroupName="Strict", PolicyName="two", PolicyDocument=big(130))
        self.assertError("LimitExceeded",
                         "Maximum policy size of 5120 bytes exceeded for group Strict", 409,
                         self.iam.put_group_policy, GroupName="Strict", PolicyName="three",
                         PolicyDocument=big(130))
        # Replacing a policy does not count the one it replaces.
        self.iam.put_group_policy(GroupName="Strict", PolicyName="TWO", PolicyDocument=big(131))

    def test_attached_policies(self):
        self.iam.create_group(GroupName="Attached")
        missing = "arn:aws:iam::aws:policy/NoSuchPolicy"
        self.assertError("NoSuchEntity",
                         "Policy %s does not exist or is not attachable." % missing, 404,
                         self.iam.attach_group_policy, GroupName="Attached", PolicyArn=missing)
        self.assertError("NoSuchEntity", "The group with name Ghost cannot be found.", 404,
                         self.iam.attach_group_policy, GroupName="Ghost", PolicyArn=ADMIN_ARN)
        self.iam.attach_group_policy(GroupName="Attached", PolicyArn=ADMIN_ARN)
        self.iam.attach_group_policy(GroupName="attached", PolicyArn=ADMIN_ARN)  # idempotent
        listed = self.iam.list_attached_group_policies(GroupName="Attached")
        self.assertEqual(listed["AttachedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}])
        self.assertFalse(listed["IsTruncated"])
        self.assertEqual(self.iam.list_attached_group_policies(
            GroupName="Attached", PathPrefix="/service-role/")["AttachedPolicies"], [])

        self.assertError("DeleteConflict",
                         "Cannot delete entity, must detach all policies first.", 409,
                         self.iam.delete_group, GroupName="Attached")
        self.assertError("NoSuchEntity", "Policy %s was not found." % missing, 404,
                         self.iam.detach_group_policy, GroupName="Attached", PolicyArn=missing)
        self.iam.detach_group_policy(GroupName="Attached", PolicyArn=ADMIN_ARN)
        self.assertError("NoSuchEntity", "Policy %s was not found." % ADMIN_ARN, 404,
                         self.iam.detach_group_policy, GroupName="Attached",
                         PolicyArn=ADMIN_ARN)
        self.assertEqual(
            self.iam.list_attached_group_policies(GroupName="Attached")["AttachedPolicies"], [])
        self.iam.delete_group(GroupName="Attached")
        # 11 distinct attachable policies cannot be made here (AdministratorAccess is the only
        # managed policy of this build): PoliciesPerGroup is tested by tests/unit/services.

    # --- pagination ---

    def test_pagination(self):
        names = ["Page%d" % i for i in range(5)]
        for name in names:
            self.iam.create_group(GroupName=name, Path="/paged/")
        pages = self.pages(self.iam.list_groups, "Groups", PathPrefix="/paged/")
        self.assertEqual([[g["GroupName"] for g in p] for p in pages],
                         [names[0:2], names[2:4], names[4:]])

        users = ["pager-%d" % i for i in range(5)]
        for user in users:
            self.iam.create_user(UserName=user)
            self.iam.add_user_to_group(GroupName="Page0", UserName=user)
        self.iam.create_user(UserName="outsider")
        self.iam.add_user_to_group(GroupName="Page1", UserName="outsider")
        pages = self.pages(self.iam.get_group, "Users", GroupName="Page0")
        self.assertEqual([[u["UserName"] for u in p] for p in pages],
                         [users[0:2], users[2:4], users[4:]])

        for name in names[1:]:
            self.iam.add_user_to_group(GroupName=name, UserName="pager-0")
        pages = self.pages(self.iam.list_groups_for_user, "Groups", UserName="pager-0")
        self.assertEqual([[g["GroupName"] for g in p] for p in pages],
                         [names[0:2], names[2:4], names[4:]])

        # boto3's paginators follow the same markers.
        paginator = self.iam.get_paginator("get_group")
        collected = [u["UserName"] for page in paginator.paginate(
            GroupName="Page0", PaginationConfig={"PageSize": 2}) for u in page["Users"]]
        self.assertEqual(collected, users)

    # --- policies deciding requests ---

    def test_group_policies_decide_members_requests(self):
        client = self.new_user_client("iam", "grouped")
        denied = ("User: arn:aws:iam::%s:user/grouped is not authorized to perform: "
                  "iam:ListUsers on resource: arn:aws:iam::%s:user/ because no identity-based "
                  "policy allows the iam:ListUsers action" % (self.account, self.account))
        self.assertError("AccessDenied", denied, 403, client.list_users)

        self.iam.create_group(GroupName="Admins")
        self.iam.attach_group_policy(GroupName="Admins", PolicyArn=ADMIN_ARN)
        self.iam.add_user_to_group(GroupName="Admins", UserName="grouped")
        self.assertIn("grouped", [u["UserName"] for u in client.list_users()["Users"]])
        self.iam.remove_user_from_group(GroupName="Admins", UserName="grouped")
        self.assertError("AccessDenied", denied, 403, client.list_users)

        self.iam.create_group(GroupName="Listers")
        self.iam.put_group_policy(GroupName="Listers", PolicyName="list",
                                  PolicyDocument=policy("Allow", "iam:ListUsers"))
        self.iam.add_user_to_group(GroupName="Listers", UserName="grouped")
        client.list_users()
        with self.assertRaises(ClientError) as cm:  # the group allows nothing else
            client.list_groups()
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")

        # After a rename the members keep the group's policies.
        self.iam.update_group(GroupName="Listers", NewGroupName="Readers", NewPath="/ro/")
        client.list_users()
        self.iam.remove_user_from_group(GroupName="Readers", UserName="grouped")
        self.assertError("AccessDenied", denied, 403, client.list_users)

    def test_group_deny_beats_user_allow(self):
        client = self.new_user_client("iam", "denied-member", policy("Allow", "iam:List*"))
        client.list_users()
        self.iam.create_group(GroupName="NoListing")
        self.iam.put_group_policy(GroupName="NoListing", PolicyName="deny",
                                  PolicyDocument=policy("Deny", "iam:ListUsers"))
        self.iam.add_user_to_group(GroupName="NoListing", UserName="denied-member")
        self.assertError(
            "AccessDenied",
            "User: arn:aws:iam::%s:user/denied-member is not authorized to perform: "
            "iam:ListUsers on resource: arn:aws:iam::%s:user/ with an explicit deny in an "
            "identity-based policy" % (self.account, self.account), 403, client.list_users)
        client.list_groups()  # the deny names ListUsers only

    def test_rename_carries_memberships_and_policies(self):
        self.iam.create_group(GroupName="Before", Path="/old/")
        self.iam.create_user(UserName="carried")
        self.iam.add_user_to_group(GroupName="Before", UserName="carried")
        self.iam.put_group_policy(GroupName="Before", PolicyName="inline",
                                  PolicyDocument=policy("Allow", "iam:GetUser"))
        self.iam.attach_group_policy(GroupName="Before", PolicyArn=ADMIN_ARN)
        group_id = self.iam.get_group(GroupName="Before")["Group"]["GroupId"]

        self.iam.update_group(GroupName="Before", NewGroupName="After", NewPath="/new/")
        self.assertError("NoSuchEntity", "The group with name Before cannot be found.", 404,
                         self.iam.get_group, GroupName="Before")
        got = self.iam.get_group(GroupName="After")
        self.assertEqual(got["Group"]["GroupId"], group_id)
        self.assertEqual(got["Group"]["Arn"], "arn:aws:iam::%s:group/new/After" % self.account)
        self.assertEqual([u["UserName"] for u in got["Users"]], ["carried"])
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups_for_user(UserName="carried")["Groups"]], ["After"])
        self.assertEqual(self.iam.list_group_policies(GroupName="After")["PolicyNames"],
                         ["inline"])
        self.assertEqual(self.iam.get_group_policy(GroupName="After", PolicyName="inline")
                         ["GroupName"], "After")
        self.assertEqual(
            self.iam.list_attached_group_policies(GroupName="After")["AttachedPolicies"],
            [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}])
        # Nothing is left under the old name: a new group of that name starts empty.
        self.iam.create_group(GroupName="Before")
        self.assertEqual(self.iam.get_group(GroupName="Before")["Users"], [])
        self.assertEqual(self.iam.list_group_policies(GroupName="Before")["PolicyNames"], [])
        self.assertEqual(
            self.iam.list_attached_group_policies(GroupName="Before")["AttachedPolicies"], [])


if __name__ == "__main__":
    unittest.main()
