"""An organization with SCPs enabled and created member accounts, for attacks made from inside a
member account."""
import time

import boto3
from botocore.config import Config

from gatehouse_fixture import GatehouseTestCase


class OrganizationTestCase(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.root_id = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=cls.root_id, PolicyType="SERVICE_CONTROL_POLICY")

    @classmethod
    def created_account(cls, email, name):
        org = cls.admin("organizations")
        status = org.create_account(Email=email, AccountName=name)["CreateAccountStatus"]
        deadline = time.time() + 30
        while status["State"] == "IN_PROGRESS" and time.time() < deadline:
            time.sleep(0.05)
            status = org.describe_create_account_status(
                CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        assert status["State"] == "SUCCEEDED", status
        return status["AccountId"]

    @classmethod
    def session_client(cls, service, creds):
        return boto3.client(service, endpoint_url=cls.endpoint, region_name="us-east-1",
                            aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"],
                            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def member_admin(cls, account, session_name="attacker"):
        """Credentials of OrganizationAccountAccessRole in `account` (its administrator)."""
        return cls.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account,
            RoleSessionName=session_name)["Credentials"]

    @classmethod
    def attach_scp(cls, content, target, name):
        org = cls.admin("organizations")
        policy = org.create_policy(Content=content, Description=name, Name=name,
                                   Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=policy, TargetId=target)
        return policy
