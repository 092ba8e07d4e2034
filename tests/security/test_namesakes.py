"""Namesakes: a user deleted and made again under the same name is another user (another
AIDA… id). Nothing of the old one passes to it — in particular the old user's live temporary
credentials (GetSessionToken, GetFederationToken) must not start acting with the new user's
policies.
"""
import json
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class NamesakesTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def make_user(self, name, document):
        iam = self.admin("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=document)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key

    def delete_user(self, name):
        iam = self.admin("iam")
        for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
        for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=p)
        iam.delete_user(UserName=name)

    def test_session_token_of_a_deleted_user_does_not_pass_to_its_namesake(self):
        iam = self.admin("iam")
        role_arn = iam.create_role(
            RoleName="namesake-target",
            AssumeRolePolicyDocument=policy({
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account},
                "Action": "sts:AssumeRole"}))["Role"]["Arn"]
        may_assume = policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn})
        key = self.make_user("carol", may_assume)
        credentials = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"]) \
            .get_session_token()["Credentials"]
        session = self.session_client("sts", credentials)
        session.assume_role(RoleArn=role_arn, RoleSessionName="before")  # the old carol may

        self.delete_user("carol")
        with self.assertRaises(ClientError) as gone:
            session.assume_role(RoleArn=role_arn, RoleSessionName="deleted")
        self.assertEqual(gone.exception.response["Error"]["Code"], "AccessDenied")

        # A new carol with the same rights: the old carol's session still may not.
        self.make_user("carol", may_assume)
        with self.assertRaises(ClientError) as namesake:
            session.assume_role(RoleArn=role_arn, RoleSessionName="namesake")
        self.assertEqual(namesake.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(namesake.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.delete_user("carol")

    def test_federation_token_of_a_deleted_user_does_not_pass_to_its_namesake(self):
        may_describe = policy({"Effect": "Allow", "Action": "organizations:Describe*",
                               "Resource": "*"})
        rights = policy({"Effect": "Allow", "Action": ["organizations:Describe*",
                                                      "sts:GetFederationToken"],
                         "Resource": "*"})
        key = self.make_user("dave", rights)
        credentials = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"]) \
            .get_federation_token(Name="dave-fed", Policy=may_describe)["Credentials"]
        organizations = self.session_client("organizations", credentials)

        def describe():
            try:
                organizations.describe_organization()
            except ClientError as e:
                return e.response["Error"]["Code"]
            return "allowed"

        # Allowed (the account is in no organization, which is the answer past authorization).
        self.assertEqual(describe(), "AWSOrganizationsNotInUseException")
        self.delete_user("dave")
        self.assertEqual(describe(), "AccessDeniedException")
        self.make_user("dave", rights)
        self.assertEqual(describe(), "AccessDeniedException")
        self.delete_user("dave")
