"""The policies of service-linked roles, held by the catalog: an account's administrator reads
them but never attaches one by hand, however the ARN is spelled, and never adds one to the
service-linked role itself (only its service manages that role). A refused attachment leaves
nothing attached.
"""
import json
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

ACM = "arn:aws:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy"
SPELLINGS = [
    "arn:aws:iam::aws:policy/AWS-Service-Role/CertificateManagerServiceRolePolicy",
    "arn:aws:iam::aws:policy/aws-service-role//CertificateManagerServiceRolePolicy",
    "arn:aws:iam::aws:policy/aws-service-role/certificatemanagerservicerolepolicy",
    "arn:aws:iam::aws:policy/CertificateManagerServiceRolePolicy",
    "arn:aws:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy/",
    "arn:aws:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy%00",
    "arn:aws:iam::aws:policy/./aws-service-role/CertificateManagerServiceRolePolicy",
    "arn:aws-us-gov:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy",
    "ARN:AWS:IAM::AWS:POLICY/AWS-SERVICE-ROLE/CERTIFICATEMANAGERSERVICEROLEPOLICY",
]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "sts:AssumeRole"}]})


class ServiceRolePoliciesTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def test_no_spelling_of_a_service_role_policy_attaches(self):
        iam = self.admin("iam")
        iam.create_role(RoleName="srp-target", AssumeRolePolicyDocument=TRUST)
        iam.create_user(UserName="srp-target")
        iam.create_group(GroupName="srp-target")
        self.addCleanup(iam.delete_role, RoleName="srp-target")
        self.addCleanup(iam.delete_user, UserName="srp-target")
        self.addCleanup(iam.delete_group, GroupName="srp-target")
        attaches = ((iam.attach_role_policy, {"RoleName": "srp-target"}),
                    (iam.attach_user_policy, {"UserName": "srp-target"}),
                    (iam.attach_group_policy, {"GroupName": "srp-target"}))
        for arn in [ACM] + SPELLINGS:
            for attach, kwargs in attaches:
                with self.subTest(arn=arn, attach=attach.__name__):
                    with self.assertRaises(ClientError) as ctx:
                        attach(PolicyArn=arn, **kwargs)
                    code = ctx.exception.response["Error"]["Code"]
                    expected = {"PolicyNotAttachable"} if arn == ACM else {
                        "NoSuchEntity", "InvalidInput", "ValidationError"}
                    self.assertIn(code, expected)
                    self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                                     400 if code != "NoSuchEntity" else 404)
        self.assertEqual(iam.list_attached_role_policies(RoleName="srp-target")["AttachedPolicies"],
                         [])
        self.assertEqual(iam.list_attached_user_policies(UserName="srp-target")["AttachedPolicies"],
                         [])
        self.assertEqual(
            iam.list_attached_group_policies(GroupName="srp-target")["AttachedPolicies"], [])
        details = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])
        self.assertNotIn(ACM, [p["Arn"] for p in details["Policies"]])

    def test_the_service_linked_role_is_not_changed_by_hand(self):
        iam = self.admin("iam")
        role = iam.create_service_linked_role(AWSServiceName="acm.amazonaws.com")["Role"]
        self.addCleanup(iam.delete_service_linked_role, RoleName=role["RoleName"])
        for call, kwargs in (
                (iam.detach_role_policy, {"PolicyArn": ACM}),
                (iam.attach_role_policy,
                 {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
                (iam.put_role_permissions_boundary, {"PermissionsBoundary": ACM})):
            with self.subTest(call=call.__name__):
                with self.assertRaises(ClientError) as ctx:
                    call(RoleName=role["RoleName"], **kwargs)
                self.assertEqual(ctx.exception.response["Error"]["Code"], "UnmodifiableEntity")
        attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
        self.assertEqual([p["PolicyArn"] for p in attached], [ACM])
        # The policy it holds counts that one attachment, whoever asks.
        self.assertEqual(iam.get_policy(PolicyArn=ACM)["Policy"]["AttachmentCount"], 1)
