"""Instance profiles driven with boto3 and the AWS CLI against `gatehouse serve`: creation,
the one role a profile holds, deletion conflicts, tags, listing with pagination, and AWS's
errors (code, message, HTTP status).
"""
import json
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


class InstanceProfilesTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")

    def assert_error(self, ctx, code, message, status):
        error = ctx.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["Error"]["Message"], message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)

    def test_create_and_get(self):
        created = self.iam.create_instance_profile(
            InstanceProfileName="web", Path="/fleet/",
            Tags=[{"Key": "env", "Value": "prod"}])["InstanceProfile"]
        self.assertEqual(created["InstanceProfileName"], "web")
        self.assertEqual(created["Path"], "/fleet/")
        self.assertEqual(created["Arn"],
                         "arn:aws:iam::%s:instance-profile/fleet/web" % self.account)
        self.assertRegex(created["InstanceProfileId"], r"^AIPA[A-Z2-7]{17}$")
        self.assertEqual(created["Roles"], [])
        self.assertEqual(created["Tags"], [{"Key": "env", "Value": "prod"}])
        got = self.iam.get_instance_profile(InstanceProfileName="WEB")["InstanceProfile"]
        self.assertEqual(got["InstanceProfileId"], created["InstanceProfileId"])
        self.assertEqual(got["CreateDate"], created["CreateDate"])
        self.assertEqual(got["Roles"], [])
        self.assertEqual(got["Tags"], [{"Key": "env", "Value": "prod"}])
        # Untagged: CreateInstanceProfile leaves Tags out, GetInstanceProfile answers [].
        bare = self.iam.create_instance_profile(InstanceProfileName="bare")["InstanceProfile"]
        self.assertNotIn("Tags", bare)
        self.assertEqual(self.iam.get_instance_profile(InstanceProfileName="bare")
                         ["InstanceProfile"]["Tags"], [])
        self.iam.delete_instance_profile(InstanceProfileName="bare")

        with self.assertRaises(ClientError) as ctx:
            self.iam.create_instance_profile(InstanceProfileName="Web")
        self.assert_error(ctx, "EntityAlreadyExists", "Instance Profile Web already exists.", 409)
        with self.assertRaises(ClientError) as ctx:
            self.iam.get_instance_profile(InstanceProfileName="nowhere")
        self.assert_error(ctx, "NoSuchEntity", "Instance Profile nowhere cannot be found.", 404)
        with self.assertRaises(ClientError) as ctx:
            self.iam.delete_instance_profile(InstanceProfileName="nowhere")
        self.assert_error(ctx, "NoSuchEntity", "Instance Profile nowhere cannot be found.", 404)

    def test_one_role_per_profile(self):
        iam = self.iam
        iam.create_role(RoleName="worker", Path="/svc/", AssumeRolePolicyDocument=TRUST)
        iam.create_role(RoleName="second", AssumeRolePolicyDocument=TRUST)
        iam.create_instance_profile(InstanceProfileName="workers")
        iam.create_instance_profile(InstanceProfileName="spare")
        with self.assertRaises(ClientError) as ctx:
            iam.add_role_to_instance_profile(InstanceProfileName="workers", RoleName="ghost")
        self.assert_error(ctx, "NoSuchEntity", "The role with name ghost cannot be found.", 404)
        with self.assertRaises(ClientError) as ctx:
            iam.add_role_to_instance_profile(InstanceProfileName="ghost", RoleName="worker")
        self.assert_error(ctx, "NoSuchEntity", "Instance Profile ghost cannot be found.", 404)

        iam.add_role_to_instance_profile(InstanceProfileName="workers", RoleName="WORKER")
        roles = iam.get_instance_profile(InstanceProfileName="workers")["InstanceProfile"]["Roles"]
        self.assertEqual([r["RoleName"] for r in roles], ["worker"])
        self.assertEqual(roles[0]["Arn"], "arn:aws:iam::%s:role/svc/worker" % self.account)
        self.assertEqual(roles[0]["AssumeRolePolicyDocument"], json.loads(TRUST))
        for role in ("second", "worker"):
            with self.assertRaises(ClientError) as ctx:
                iam.add_role_to_instance_profile(InstanceProfileName="workers", RoleName=role)
            self.assert_error(ctx, "LimitExceeded",
                              "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)
        # A role may sit in several profiles.
        iam.add_role_to_instance_profile(InstanceProfileName="spare", RoleName="worker")
        profiles = iam.list_instance_profiles_for_role(RoleName="worker")
        self.assertEqual([p["InstanceProfileName"] for p in profiles["InstanceProfiles"]],
                         ["spare", "workers"])
        self.assertFalse(profiles["IsTruncated"])
        page = iam.list_instance_profiles_for_role(RoleName="worker", MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual([p["InstanceProfileName"] for p in page["InstanceProfiles"]], ["spare"])
        rest = iam.list_instance_profiles_for_role(RoleName="worker", Marker=page["Marker"])
        self.assertEqual([p["InstanceProfileName"] for p in rest["InstanceProfiles"]],
                         ["workers"])
        self.assertEqual(iam.list_instance_profiles_for_role(RoleName="second")
                         ["InstanceProfiles"], [])
        with self.assertRaises(ClientError) as ctx:
            iam.list_instance_profiles_for_role(RoleName="ghost")
        self.assert_error(ctx, "NoSuchEntity", "The role with name ghost cannot be found.", 404)

        with self.assertRaises(ClientError) as ctx:
            iam.delete_instance_profile(InstanceProfileName="workers")
        self.assert_error(ctx, "DeleteConflict",
                          "Cannot delete entity, must remove roles from instance profile first.",
                          409)
        with self.assertRaises(ClientError) as ctx:
            iam.remove_role_from_instance_profile(InstanceProfileName="workers",
                                                  RoleName="second")
        self.assert_error(ctx, "NoSuchEntity", "The role with name second cannot be found.", 404)
        iam.remove_role_from_instance_profile(InstanceProfileName="workers", RoleName="worker")
        self.assertEqual(iam.get_instance_profile(InstanceProfileName="workers")
                         ["InstanceProfile"]["Roles"], [])
        iam.add_role_to_instance_profile(InstanceProfileName="workers", RoleName="second")
        iam.remove_role_from_instance_profile(InstanceProfileName="workers", RoleName="second")
        iam.delete_instance_profile(InstanceProfileName="workers")
        with self.assertRaises(ClientError) as ctx:
            iam.get_instance_profile(InstanceProfileName="workers")
        self.assert_error(ctx, "NoSuchEntity", "Instance Profile workers cannot be found.", 404)

    def test_list_pages(self):
        names = ["page-%02d" % i for i in range(5)]
        for name in reversed(names):
            self.iam.create_instance_profile(InstanceProfileName=name, Path="/paged/",
                                             Tags=[{"Key": "k", "Value": "v"}])
        self.iam.create_instance_profile(InstanceProfileName="elsewhere", Path="/other/")
        seen, marker, pages = [], None, 0
        while True:
            kwargs = {"PathPrefix": "/paged/", "MaxItems": 2}
            if marker:
                kwargs["Marker"] = marker
            page = self.iam.list_instance_profiles(**kwargs)
            pages += 1
            for profile in page["InstanceProfiles"]:
                self.assertNotIn("Tags", profile)  # listing leaves the tags out
                self.assertEqual(profile["Roles"], [])
            seen += [p["InstanceProfileName"] for p in page["InstanceProfiles"]]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        self.assertEqual(seen, names)
        self.assertEqual(pages, 3)
        everything = [p["InstanceProfileName"]
                      for p in self.iam.list_instance_profiles()["InstanceProfiles"]]
        self.assertIn("elsewhere", everything)

    def test_tags(self):
        self.iam.create_instance_profile(InstanceProfileName="tagged")
        self.iam.tag_instance_profile(InstanceProfileName="tagged",
                                      Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.iam.tag_instance_profile(InstanceProfileName="tagged",
                                      Tags=[{"Key": "A", "Value": "3"}])
        self.assertEqual(self.iam.list_instance_profile_tags(InstanceProfileName="tagged")["Tags"],
                         [{"Key": "A", "Value": "3"}, {"Key": "b", "Value": "2"}])
        self.iam.untag_instance_profile(InstanceProfileName="tagged", TagKeys=["B"])
        self.assertEqual(self.iam.get_instance_profile(InstanceProfileName="tagged")
                         ["InstanceProfile"]["Tags"], [{"Key": "A", "Value": "3"}])
        with self.assertRaises(ClientError) as ctx:
            self.iam.tag_instance_profile(InstanceProfileName="ghost",
                                          Tags=[{"Key": "a", "Value": "1"}])
        self.assert_error(ctx, "NoSuchEntity", "Instance Profile ghost cannot be found.", 404)

    def test_aws_cli(self):
        self.iam.create_role(RoleName="cli-profile-role", AssumeRolePolicyDocument=TRUST)
        code, out, err = self.aws_cli("iam", "create-instance-profile",
                                      "--instance-profile-name", "cli-profile")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["InstanceProfile"]["Roles"], [])
        code, out, err = self.aws_cli("iam", "add-role-to-instance-profile",
                                      "--instance-profile-name", "cli-profile",
                                      "--role-name", "cli-profile-role")
        self.assertEqual(code, 0, err)
        code, out, err = self.aws_cli("iam", "get-instance-profile",
                                      "--instance-profile-name", "cli-profile")
        self.assertEqual(code, 0, err)
        profile = json.loads(out)["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in profile["Roles"]], ["cli-profile-role"])
        code, out, err = self.aws_cli("iam", "delete-instance-profile",
                                      "--instance-profile-name", "cli-profile")
        self.assertNotEqual(code, 0)
        self.assertIn("(DeleteConflict)", err)
