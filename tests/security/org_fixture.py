"""An organization with SCPs enabled and created member accounts, for attacks made from inside a
member account."""
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
