"""Lost updates: concurrent writers of one entity, each reading it, changing it and committing
it whole. Every change that was answered with success must be there afterwards, quotas must
hold however the requests interleave, and an entity exists whole or not at all — nothing of
it outlives its deletion (a re-created namesake starts empty).

The server runs with several I/O threads so that the requests really overlap.
"""
import json
import random
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

# What a request may lose a race with, and be answered so, without anything being wrong.
EXPECTED_RACE_ERRORS = {"NoSuchEntity", "EntityAlreadyExists", "DeleteConflict",
                        "LimitExceeded", "ConcurrentModification"}


def trust(sid):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": sid, "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})


def run_together(calls):
    """Runs each of `calls` in its own thread, all released at once; returns their results
    (the value, or the ClientError) in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return call()
        except ClientError as e:
            return e

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def error_code(result):
    return result.response["Error"]["Code"] if isinstance(result, ClientError) else None


class LostUpdatesTest(GatehouseTestCase):
    extra_args = ["--threads", "8"]

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def clients(self, n):
        return [self.admin("iam") for _ in range(n)]

    def assert_only_race_errors(self, results):
        for r in results:
            if isinstance(r, ClientError):
                self.assertIn(error_code(r), EXPECTED_RACE_ERRORS, r.response)

    def test_trust_policy_and_tags_both_survive_a_race(self):
        """The reproduced race: UpdateAssumeRolePolicy and TagRole on one role at once. A
        trust policy answered as updated must never silently come back."""
        iam = self.admin("iam")
        iam.create_role(RoleName="contested", AssumeRolePolicyDocument=trust("start"))
        policy_client, tag_client = self.clients(2)
        lost = []
        for i in range(30):
            results = run_together([
                lambda: policy_client.update_assume_role_policy(
                    RoleName="contested", PolicyDocument=trust("round%d" % i)),
                lambda: tag_client.tag_role(
                    RoleName="contested", Tags=[{"Key": "round%d" % i, "Value": "x"}]),
            ])
            for r in results:
                self.assertNotIsInstance(r, ClientError, getattr(r, "response", None))
            role = iam.get_role(RoleName="contested")["Role"]
            document = role["AssumeRolePolicyDocument"]
            sid = document["Statement"][0]["Sid"] if isinstance(document, dict) else document
            tags = {t["Key"] for t in role.get("Tags", [])}
            if sid != "round%d" % i or "round%d" % i not in tags:
                lost.append((i, sid, sorted(tags)))
        self.assertEqual(lost, [], "rounds that lost a change")
        self.assertEqual(len(iam.get_role(RoleName="contested")["Role"]["Tags"]), 30)

    def test_tags_are_the_union_of_what_succeeded(self):
        """Many writers change one user and one role at once (tags of their own, paths, trust
        policies, descriptions, memberships): every tag that was answered with success is
        there, and the other changes are each one that some request made."""
        iam = self.admin("iam")
        iam.create_user(UserName="tagged-user")
        iam.create_group(GroupName="tagged-group")
        iam.create_role(RoleName="tagged-role", AssumeRolePolicyDocument=trust("start"))
        clients = self.clients(12)
        calls, user_tag_calls, role_tag_calls = [], [], []
        for n, client in enumerate(clients):
            tag = [{"Key": "k%d" % n, "Value": "v%d" % n}]
            user_tag_calls.append(len(calls))
            calls.append(lambda c=client, t=tag: c.tag_user(UserName="tagged-user", Tags=t))
            role_tag_calls.append(len(calls))
            calls.append(lambda c=client, t=tag: c.tag_role(RoleName="tagged-role", Tags=t))
            if n % 3 == 0:
                calls.append(lambda c=client, n=n: c.update_user(
                    UserName="tagged-user", NewPath="/p%d/" % n))
                calls.append(lambda c=client, n=n: c.update_assume_role_policy(
                    RoleName="tagged-role", PolicyDocument=trust("w%d" % n)))
            if n % 3 == 1:
                calls.append(lambda c=client, n=n: c.update_role_description(
                    RoleName="tagged-role", Description="d%d" % n))
                calls.append(lambda c=client: c.add_user_to_group(
                    UserName="tagged-user", GroupName="tagged-group"))
        results = run_together(calls)
        # A request may lose every one of its tries in such a burst and be answered
        # ConcurrentModification, as AWS answers it; nothing else may fail.
        for r in results:
            if isinstance(r, ClientError):
                self.assertEqual(error_code(r), "ConcurrentModification", r.response)

        def succeeded(indices):
            return {("k%d" % n, "v%d" % n) for n, i in enumerate(indices)
                    if not isinstance(results[i], ClientError)}

        self.assertGreater(len(succeeded(user_tag_calls)), len(clients) // 2)
        user_tags = {(t["Key"], t["Value"])
                     for t in iam.list_user_tags(UserName="tagged-user")["Tags"]}
        self.assertEqual(user_tags, succeeded(user_tag_calls))
        role = iam.get_role(RoleName="tagged-role")["Role"]
        self.assertEqual({(t["Key"], t["Value"]) for t in role.get("Tags", [])},
                         succeeded(role_tag_calls))
        self.assertRegex(role["AssumeRolePolicyDocument"]["Statement"][0]["Sid"],
                         r"^(w\d+|start)$")
        self.assertRegex(role.get("Description", "d0"), r"^d\d+$")
        self.assertRegex(iam.get_user(UserName="tagged-user")["User"]["Path"], r"^/(p\d+/)?$")
        groups = iam.list_groups_for_user(UserName="tagged-user")["Groups"]
        self.assertIn([g["GroupName"] for g in groups], ([], ["tagged-group"]))

    def test_concurrent_create_access_key_keeps_the_quota(self):
        """Two keys per user (AccessKeysPerUser): racing CreateAccessKey calls get exactly two,
        the others LimitExceeded."""
        iam = self.admin("iam")
        clients = self.clients(6)
        for round_ in range(8):
            user = "keys%d" % round_
            iam.create_user(UserName=user)
            if round_ % 2:
                iam.create_access_key(UserName=user)  # one slot left: two racers, one wins
            racers = clients[:2] if round_ % 2 else clients
            results = run_together(
                [lambda c=c: c.create_access_key(UserName=user) for c in racers])
            made = [r for r in results if not isinstance(r, ClientError)]
            refused = [error_code(r) for r in results if isinstance(r, ClientError)]
            self.assertEqual(len(made), 1 if round_ % 2 else 2, refused)
            self.assertEqual(set(refused), {"LimitExceeded"} if refused else set())
            keys = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
            self.assertEqual(len(keys), 2)

    def test_concurrent_add_user_to_group_keeps_the_quota(self):
        """Ten groups per user (GroupsPerUser), however many AddUserToGroup calls race."""
        iam = self.admin("iam")
        iam.create_user(UserName="joiner")
        for g in range(16):
            iam.create_group(GroupName="quota-g%d" % g)
        clients = self.clients(16)
        results = run_together([
            lambda c=c, g=g: c.add_user_to_group(UserName="joiner", GroupName="quota-g%d" % g)
            for g, c in enumerate(clients)])
        added = [r for r in results if not isinstance(r, ClientError)]
        self.assertEqual({error_code(r) for r in results if isinstance(r, ClientError)},
                         {"LimitExceeded"})
        self.assertEqual(len(added), 10)
        self.assertEqual(len(iam.list_groups_for_user(UserName="joiner")["Groups"]), 10)

    def test_racing_lifecycle_keeps_every_invariant(self):
        """Create, update, tag, delete and add-to-group race on one user and one role from many
        threads, over many rounds. After each round: whatever exists is whole (its memberships,
        keys and policies all there and all of existing entities), quotas hold, and once what
        is listed is taken away the entity deletes cleanly and a namesake made again starts
        with nothing."""
        iam = self.admin("iam")
        groups = ["life-g%d" % g for g in range(12)]
        for g in groups:
            iam.create_group(GroupName=g)
        clients = self.clients(10)
        rng = random.Random(14)
        user, role = "life-user", "life-role"
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
        operations = [
            lambda c: c.create_user(UserName=user),
            lambda c: c.delete_user(UserName=user),
            lambda c: c.tag_user(UserName=user, Tags=[{"Key": "t%d" % rng.randrange(60),
                                                       "Value": "v"}]),
            lambda c: c.update_user(UserName=user, NewPath="/p%d/" % rng.randrange(5)),
            lambda c: c.add_user_to_group(UserName=user, GroupName=rng.choice(groups)),
            lambda c: c.create_access_key(UserName=user),
            lambda c: c.put_user_policy(UserName=user, PolicyName="p%d" % rng.randrange(3),
                                        PolicyDocument=policy),
            lambda c: c.create_role(RoleName=role, AssumeRolePolicyDocument=trust("c")),
            lambda c: c.delete_role(RoleName=role),
            lambda c: c.tag_role(RoleName=role, Tags=[{"Key": "t%d" % rng.randrange(60),
                                                       "Value": "v"}]),
            lambda c: c.update_assume_role_policy(RoleName=role, PolicyDocument=trust("u")),
            lambda c: c.put_role_policy(RoleName=role, PolicyName="p%d" % rng.randrange(3),
                                        PolicyDocument=policy),
        ]
        for round_ in range(12):
            calls = []
            for c in clients:
                ops = [rng.choice(operations) for _ in range(4)]
                calls.append(lambda c=c, ops=ops: [self.attempt(op, c) for op in ops])
            for outcome in run_together(calls):
                self.assertNotIsInstance(outcome, ClientError)
                self.assert_only_race_errors(outcome)
            self.check_user(iam, user, groups)
            self.check_role(iam, role)

    @staticmethod
    def attempt(op, client):
        try:
            return op(client)
        except ClientError as e:
            return e

    def check_user(self, iam, user, groups):
        members_of = [g for g in groups
                      if user in [u["UserName"] for u in iam.get_group(GroupName=g)["Users"]]]
        try:
            iam.get_user(UserName=user)
        except ClientError as e:
            self.assertEqual(error_code(e), "NoSuchEntity")
            self.assertEqual(members_of, [], "a deleted user is still a member")
            self.assert_namesake_starts_empty(iam, user, groups)
            return
        listed = [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]]
        self.assertLessEqual(len(listed), 10)
        self.assertEqual(sorted(listed), sorted(members_of))
        keys = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
        self.assertLessEqual(len(keys), 2)
        # Take away what is listed: the user must then delete without a conflict, so nothing
        # unlisted hangs off it.
        for g in listed:
            iam.remove_user_from_group(UserName=user, GroupName=g)
        for k in keys:
            iam.delete_access_key(UserName=user, AccessKeyId=k["AccessKeyId"])
        for p in iam.list_user_policies(UserName=user)["PolicyNames"]:
            iam.delete_user_policy(UserName=user, PolicyName=p)
        iam.delete_user(UserName=user)
        self.assert_namesake_starts_empty(iam, user, groups)

    def assert_namesake_starts_empty(self, iam, user, groups):
        iam.create_user(UserName=user)
        self.assertEqual(iam.list_groups_for_user(UserName=user)["Groups"], [])
        self.assertEqual(iam.list_access_keys(UserName=user)["AccessKeyMetadata"], [])
        self.assertEqual(iam.list_user_policies(UserName=user)["PolicyNames"], [])
        self.assertEqual(iam.list_user_tags(UserName=user)["Tags"], [])
        for g in groups:
            self.assertNotIn(user, [u["UserName"] for u in iam.get_group(GroupName=g)["Users"]])
        iam.delete_user(UserName=user)

    def check_role(self, iam, role):
        try:
            iam.get_role(RoleName=role)
        except ClientError as e:
            self.assertEqual(error_code(e), "NoSuchEntity")
            self.assert_role_namesake_starts_empty(iam, role)
            return
        for p in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            iam.get_role_policy(RoleName=role, PolicyName=p)
            iam.delete_role_policy(RoleName=role, PolicyName=p)
        iam.delete_role(RoleName=role)
        self.assert_role_namesake_starts_empty(iam, role)

    def assert_role_namesake_starts_empty(self, iam, role):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust("fresh"))
        self.assertEqual(iam.list_role_policies(RoleName=role)["PolicyNames"], [])
        self.assertEqual(iam.list_role_tags(RoleName=role)["Tags"], [])
        iam.delete_role(RoleName=role)
