"""The IAM policy simulator through boto3 and the AWS CLI: SimulatePrincipalPolicy,
SimulateCustomPolicy, GetContextKeysFor{Principal,Custom}Policy — decisions with the statements
that made them (and where they sit in the document), missing context keys, per-resource results,
permissions boundaries, paging, AWS's errors — and agreement with enforcement: what the
simulator says a user may do, the user can do, and what it denies is denied.

Run: python3 -m unittest test_simulation (from tests/integration, GATEHOUSE_BIN set by ctest).
"""
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

STATEMENTS = [
    {"Sid": "AllowGet", "Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUsers"],
     "Resource": "*"},
    {"Sid": "DenyDelete", "Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"},
    {"Sid": "S3FromTheOffice", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::bucket/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
]
PREFIX = '{"Version":"2012-10-17","Statement":['
ALICE_POLICY = PREFIX + ",".join(json.dumps(s, separators=(",", ":")) for s in STATEMENTS) + "]}"


def spans(statements):
    """Where AWS places each statement of PREFIX + statements + "]}" (one line): a statement of
    an array starts just after what precedes it ("[" or the previous statement) and ends just
    after its closing brace; columns count from 1."""
    out, start, brace = [], len(PREFIX) + 1, len(PREFIX) + 1
    for text in (json.dumps(s, separators=(",", ":")) for s in statements):
        end = brace + len(text)
        out.append(({"Line": 1, "Column": start}, {"Line": 1, "Column": end}))
        start, brace = end, end + 1
    return out


class SimulationTestCase(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        iam.create_user(UserName="sim-alice")
        iam.put_user_policy(UserName="sim-alice", PolicyName="p1", PolicyDocument=ALICE_POLICY)
        cls.alice_key = iam.create_access_key(UserName="sim-alice")["AccessKey"]
        cls.alice_arn = "arn:aws:iam::%s:user/sim-alice" % cls.account
        # IAM reads, within a boundary (the one AWS managed policy every catalog has).
        iam.create_user(UserName="sim-bounded",
                        PermissionsBoundary="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.put_user_policy(UserName="sim-bounded", PolicyName="read", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}]}))
        cls.bounded_key = iam.create_access_key(UserName="sim-bounded")["AccessKey"]
        cls.bounded_arn = "arn:aws:iam::%s:user/sim-bounded" % cls.account

    def simulate(self, source, actions, **kwargs):
        return self.admin("iam").simulate_principal_policy(
            PolicySourceArn=source, ActionNames=actions, **kwargs)["EvaluationResults"]

    def assertError(self, call, code, message, status, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(**kwargs)
        error = caught.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        if message is not None:
            self.assertEqual(error["Error"]["Message"], message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)


class PrincipalPolicyTest(SimulationTestCase):
    def test_decisions_with_matched_statements(self):
        results = self.simulate(self.alice_arn,
                                ["iam:GetUser", "iam:DeleteUser", "iam:CreateUser"])
        self.assertEqual([r["EvalActionName"] for r in results],
                         ["iam:GetUser", "iam:DeleteUser", "iam:CreateUser"])
        self.assertEqual([r["EvalDecision"] for r in results],
                         ["allowed", "explicitDeny", "implicitDeny"])
        where = spans(STATEMENTS)
        allowed, denied, implicit = results
        self.assertEqual(allowed["EvalResourceName"], "*")
        self.assertEqual(allowed["MatchedStatements"], [
            {"SourcePolicyId": "user_sim-alice_p1", "SourcePolicyType": "IAM Policy",
             "StartPosition": where[0][0], "EndPosition": where[0][1]}])
        self.assertEqual(denied["MatchedStatements"], [
            {"SourcePolicyId": "user_sim-alice_p1", "SourcePolicyType": "IAM Policy",
             "StartPosition": where[1][0], "EndPosition": where[1][1]}])
        self.assertEqual(implicit["MatchedStatements"], [])
        for r in results:
            self.assertEqual(r["MissingContextValues"], ["aws:SourceIp"])
            self.assertNotIn("ResourceSpecificResults", r)
            self.assertNotIn("EvalDecisionDetails", r)
            self.assertNotIn("PermissionsBoundaryDecisionDetail", r)

    def test_missing_context_and_resource_specific_results(self):
        resources = ["arn:aws:s3:::bucket/report.csv", "arn:aws:s3:::other/report.csv"]
        results = self.simulate(self.alice_arn, ["s3:GetObject"], ResourceArns=resources)
        self.assertEqual([(r["EvalResourceName"], r["EvalDecision"]) for r in results],
                         [(resources[0], "implicitDeny"), (resources[1], "implicitDeny")])
        for r in results:
            self.assertEqual(r["MissingContextValues"], [])
            self.assertEqual(r["EvalDecisionDetails"], {})
            [specific] = r["ResourceSpecificResults"]
            self.assertEqual(specific["EvalResourceName"], r["EvalResourceName"])
            self.assertEqual(specific["EvalResourceDecision"], "implicitDeny")
            self.assertEqual(specific["MissingContextValues"], ["aws:SourceIp"])

        office = [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"],
                   "ContextKeyType": "ip"}]
        results = self.simulate(self.alice_arn, ["s3:GetObject"], ResourceArns=resources,
                                ContextEntries=office)
        self.assertEqual([r["EvalDecision"] for r in results], ["allowed", "implicitDeny"])
        [specific] = results[0]["ResourceSpecificResults"]
        self.assertEqual(specific["MissingContextValues"], [])
        self.assertEqual(specific["MatchedStatements"][0]["StartPosition"],
                         spans(STATEMENTS)[2][0])
        home = [dict(office[0], ContextKeyValues=["192.0.2.1"])]
        self.assertEqual(self.simulate(self.alice_arn, ["s3:GetObject"], ResourceArns=resources,
                                       ContextEntries=home)[0]["EvalDecision"], "implicitDeny")

    def test_permissions_boundary(self):
        # The user's own boundary allows both; its policy only the first.
        results = self.simulate(self.bounded_arn, ["iam:GetUser", "iam:CreateUser"])
        self.assertEqual([(r["EvalDecision"],
                           r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"])
                          for r in results],
                         [("allowed", True), ("implicitDeny", True)])
        self.assertEqual([s["SourcePolicyId"] for s in results[0]["MatchedStatements"]],
                         ["user_sim-bounded_read"])
        # A boundary passed in replaces it.
        only_get = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]})
        results = self.simulate(self.bounded_arn, ["iam:GetUser", "iam:ListUsers"],
                                PermissionsBoundaryPolicyInputList=[only_get])
        self.assertEqual([r["EvalDecision"] for r in results], ["allowed", "implicitDeny"])
        self.assertEqual([r["PermissionsBoundaryDecisionDetail"] for r in results],
                         [{"AllowedByPermissionsBoundary": True},
                          {"AllowedByPermissionsBoundary": False}])
        # An explicit deny in the boundary.
        deny_get = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:GetUser", "Resource": "*"}]})
        [result] = self.simulate(self.alice_arn, ["iam:GetUser"],
                                 PermissionsBoundaryPolicyInputList=[deny_get])
        self.assertEqual(result["EvalDecision"], "explicitDeny")
        self.assertEqual(result["PermissionsBoundaryDecisionDetail"],
                         {"AllowedByPermissionsBoundary": False})
        self.assertEqual(result["MatchedStatements"][0]["SourcePolicyId"],
                         "PermissionsBoundaryPolicyInputList.1")
        self.assertError(self.admin("iam").simulate_principal_policy, "InvalidInput", None, 400,
                         PolicySourceArn=self.alice_arn, ActionNames=["iam:GetUser"],
                         PermissionsBoundaryPolicyInputList=[only_get, deny_get])

    def test_policy_input_list_adds_policies(self):
        deny_get = json.dumps({"Version": "2012-10-17", "Statement": {
            "Effect": "Deny", "Action": "iam:Get*", "Resource": "*"}})
        [result] = self.simulate(self.alice_arn, ["iam:GetUser"], PolicyInputList=[deny_get])
        self.assertEqual(result["EvalDecision"], "explicitDeny")
        self.assertEqual(result["MatchedStatements"], [
            {"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
             # Just after the statement's braces (columns from 1).
             "StartPosition": {"Line": 1, "Column": deny_get.index("{", 1) + 2},
             "EndPosition": {"Line": 1, "Column": len(deny_get)}}])

    def test_paging(self):
        actions = ["iam:GetUser", "iam:ListUsers", "iam:DeleteUser"]
        iam = self.admin("iam")
        whole = self.simulate(self.alice_arn, actions)
        seen, marker = [], None
        while True:
            kwargs = {"MaxItems": 1, **({"Marker": marker} if marker else {})}
            page = iam.simulate_principal_policy(PolicySourceArn=self.alice_arn,
                                                 ActionNames=actions, **kwargs)
            self.assertEqual(len(page["EvaluationResults"]), 1)
            seen += page["EvaluationResults"]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        self.assertEqual(seen, whole)

    def test_errors(self):
        iam = self.admin("iam")
        self.assertError(iam.simulate_principal_policy, "NoSuchEntity",
                         "The user with name nobody cannot be found.", 404,
                         PolicySourceArn="arn:aws:iam::%s:user/nobody" % self.account,
                         ActionNames=["iam:GetUser"])
        self.assertError(iam.simulate_principal_policy, "InvalidInput", None, 400,
                         PolicySourceArn=self.alice_arn, ActionNames=["iam:GetUser"],
                         PolicyInputList=['{"Version":"2012-10-17","Statement":{"Effect":"Allow"'])
        # Simulating another principal's policies needs iam:SimulatePrincipalPolicy on it.
        alice = self.client("iam", self.alice_key["AccessKeyId"],
                            self.alice_key["SecretAccessKey"])
        self.assertError(alice.simulate_principal_policy, "AccessDenied",
                         "User: %s is not authorized to perform: iam:SimulatePrincipalPolicy on "
                         "resource: %s because no identity-based policy allows the "
                         "iam:SimulatePrincipalPolicy action" % (self.alice_arn, self.bounded_arn),
                         403, PolicySourceArn=self.bounded_arn, ActionNames=["iam:GetUser"])

    def test_context_keys_for_principal_policy(self):
        iam = self.admin("iam")
        keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=self.alice_arn)
        self.assertEqual(keys["ContextKeyNames"], ["aws:SourceIp"])
        extra = json.dumps({"Version": "2012-10-17", "Statement": {
            "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}})
        keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=self.alice_arn,
                                                         PolicyInputList=[extra])
        self.assertEqual(keys["ContextKeyNames"],
                         ["aws:SourceIp", "aws:username", "aws:SecureTransport"])


class AgreementTest(SimulationTestCase):
    """What the simulator decides for a user is what the user gets."""

    def check(self, key, source, action, resource, call):
        [result] = self.simulate(source, [action], ResourceArns=[resource])
        client = self.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        try:
            call(client)
            enforced = "allowed"
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "AccessDenied", e.response)
            enforced = ("explicitDeny" if "with an explicit deny" in e.response["Error"]["Message"]
                        else "implicitDeny")
        self.assertEqual(result["EvalDecision"], enforced, (action, resource))
        return enforced

    def test_simulated_decisions_are_enforced(self):
        user_arn = "arn:aws:iam::%s:user/" % self.account
        alice, bounded = self.alice_key, self.bounded_key
        self.admin("iam").create_user(UserName="sim-target")
        cases = [
            (alice, self.alice_arn, "iam:GetUser", user_arn + "sim-target",
             lambda c: c.get_user(UserName="sim-target"), "allowed"),
            (alice, self.alice_arn, "iam:ListUsers", user_arn,
             lambda c: c.list_users(), "allowed"),
            (alice, self.alice_arn, "iam:DeleteUser", user_arn + "sim-nobody",
             lambda c: c.delete_user(UserName="sim-nobody"), "explicitDeny"),
            (alice, self.alice_arn, "iam:CreateUser", user_arn + "sim-new",
             lambda c: c.create_user(UserName="sim-new"), "implicitDeny"),
            (bounded, self.bounded_arn, "iam:GetUser", user_arn + "sim-target",
             lambda c: c.get_user(UserName="sim-target"), "allowed"),
            (bounded, self.bounded_arn, "iam:CreateUser", user_arn + "sim-new",
             lambda c: c.create_user(UserName="sim-new"), "implicitDeny"),
            (bounded, self.bounded_arn, "iam:ListAccountAliases", "*",
             lambda c: c.list_account_aliases(), "allowed"),
            (bounded, self.bounded_arn, "iam:CreateAccountAlias", "*",
             lambda c: c.create_account_alias(AccountAlias="sim-alias"), "implicitDeny"),
        ]
        for key, source, action, resource, call, expected in cases:
            self.assertEqual(self.check(key, source, action, resource, call), expected,
                             (source, action))

    def test_a_policy_change_moves_both(self):
        iam = self.admin("iam")
        iam.create_user(UserName="sim-changing")
        key = iam.create_access_key(UserName="sim-changing")["AccessKey"]
        source = "arn:aws:iam::%s:user/sim-changing" % self.account
        resource = "arn:aws:iam::%s:user/sim-changing" % self.account
        call = lambda c: c.get_user(UserName="sim-changing")  # noqa: E731
        self.assertEqual(self.check(key, source, "iam:GetUser", resource, call), "implicitDeny")
        iam.attach_user_policy(UserName="sim-changing",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        self.assertEqual(self.check(key, source, "iam:GetUser", resource, call), "allowed")
        iam.put_user_policy(UserName="sim-changing", PolicyName="deny", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "iam:GetUser",
                 "Resource": "arn:aws:iam::*:user/${aws:username}"}]}))
        self.assertEqual(self.check(key, source, "iam:GetUser", resource, call), "explicitDeny")


class CustomPolicyTest(SimulationTestCase):
    # The AWS CLI documentation's simulate-custom-policy example.
    DYNAMO = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
              '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":'
              '"2018-08-16T12:00:00Z"}}}}')

    def test_cli_example(self):
        code, out, err = self.aws_cli(
            "iam", "simulate-custom-policy", "--policy-input-list", self.DYNAMO,
            "--action-names", "dynamodb:CreateBackup", "--context-entries",
            "ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',"
            "ContextKeyType=date")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["EvaluationResults"], [{
            "EvalActionName": "dynamodb:CreateBackup",
            "EvalResourceName": "*",
            "EvalDecision": "allowed",
            "MatchedStatements": [{
                "SourcePolicyId": "PolicyInputList.1",
                "SourcePolicyType": "IAM Policy",
                "StartPosition": {"Line": 1, "Column": 38},
                "EndPosition": {"Line": 1, "Column": 167}}],
            "MissingContextValues": []}])
        code, out, err = self.aws_cli(
            "iam", "simulate-custom-policy", "--policy-input-list", self.DYNAMO,
            "--action-names", "dynamodb:CreateBackup", "--context-entries",
            "ContextKeyName='aws:CurrentTime',ContextKeyValues='2014-04-25T11:00:00Z',"
            "ContextKeyType=date")
        self.assertEqual(code, 0, err)
        [result] = json.loads(out)["EvaluationResults"]
        self.assertEqual((result["EvalDecision"], result["MatchedStatements"]),
                         ("implicitDeny", []))

    def test_missing_time_is_missing(self):
        [result] = self.admin("iam").simulate_custom_policy(
            PolicyInputList=[self.DYNAMO], ActionNames=["dynamodb:CreateBackup"])[
                "EvaluationResults"]
        self.assertEqual(result["EvalDecision"], "implicitDeny")
        self.assertEqual(result["MissingContextValues"], ["aws:CurrentTime"])

    def test_caller_arn_fills_the_principals_keys(self):
        own_folder = json.dumps({"Version": "2012-10-17", "Statement": {
            "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home/${aws:username}/*"}})
        iam = self.admin("iam")
        kwargs = {"PolicyInputList": [own_folder], "ActionNames": ["s3:GetObject"],
                  "ResourceArns": ["arn:aws:s3:::home/sim-alice/notes.txt"]}
        [anonymous] = iam.simulate_custom_policy(**kwargs)["EvaluationResults"]
        self.assertEqual(anonymous["EvalDecision"], "implicitDeny")
        self.assertEqual(anonymous["ResourceSpecificResults"][0]["MissingContextValues"],
                         ["aws:username"])
        [as_alice] = iam.simulate_custom_policy(CallerArn=self.alice_arn,
                                                **kwargs)["EvaluationResults"]
        self.assertEqual(as_alice["EvalDecision"], "allowed")

    def test_invalid_policies(self):
        iam = self.admin("iam")
        self.assertError(iam.simulate_custom_policy, "InvalidInput", None, 400,
                         PolicyInputList=["not json"], ActionNames=["s3:GetObject"])
        with_principal = json.dumps({"Version": "2012-10-17", "Statement": {
            "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}})
        self.assertError(iam.simulate_custom_policy, "InvalidInput", None, 400,
                         PolicyInputList=[with_principal], ActionNames=["s3:GetObject"])
        self.assertError(iam.get_context_keys_for_custom_policy, "InvalidInput", None, 400,
                         PolicyInputList=["{}"])

    def test_context_keys_cli_example(self):
        code, out, err = self.aws_cli(
            "iam", "get-context-keys-for-custom-policy", "--policy-input-list",
            '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
            '"Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",'
            '"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}')
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), {"ContextKeyNames": ["aws:username", "aws:CurrentTime"]})


if __name__ == "__main__":
    unittest.main()
