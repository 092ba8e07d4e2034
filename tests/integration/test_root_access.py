"""Centralized root access, the organization-wide switches, with boto3 and the AWS CLI:
ListOrganizationsFeatures and Enable/Disable OrganizationsRootCredentialsManagement and
OrganizationsRootSessions from the management account, AWS's errors in AWS's order (no
organization, not all features, not the management account, IAM without trusted access),
authorization of each call, and disabling IAM's trusted access turning both features off.

Run: python3 -m unittest test_root_access (from tests/integration), GATEHOUSE_BIN set (ctest sets
it).
"""
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

IAM_PRINCIPAL = "iam.amazonaws.com"
BOTH = ["RootCredentialsManagement", "RootSessions"]


class RootAccessTestCase(GatehouseTestCase):
    def assertIamError(self, call, code, message=None):
        with self.assertRaises(ClientError) as e:
            call()
        response = e.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        if message is not None:
            self.assertEqual(response["Error"]["Message"], message)


class OrganizationFeaturesTest(RootAccessTestCase):
    def test_features_lifecycle(self):
        iam = self.admin("iam")
        org = self.admin("organizations")
        self.assertIamError(iam.list_organizations_features, "OrganizationNotFoundException",
                            "The request was rejected because no organization is associated "
                            "with your account.")
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.addCleanup(org.delete_organization)
        for call in (iam.list_organizations_features,
                     iam.enable_organizations_root_credentials_management,
                     iam.enable_organizations_root_sessions):
            self.assertIamError(call, "ServiceAccessNotEnabledException",
                                "The request was rejected because trusted access is not enabled "
                                "for IAM in Organizations.")
        org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
        listed = iam.list_organizations_features()
        self.assertEqual((listed["OrganizationId"], listed["EnabledFeatures"]), (org_id, []))

        self.assertEqual(iam.enable_organizations_root_sessions()["EnabledFeatures"],
                         ["RootSessions"])
        enabled = iam.enable_organizations_root_credentials_management()
        self.assertEqual((enabled["OrganizationId"], enabled["EnabledFeatures"]), (org_id, BOTH))
        self.assertEqual(iam.enable_organizations_root_sessions()["EnabledFeatures"], BOTH)
        self.assertEqual(iam.list_organizations_features()["EnabledFeatures"], BOTH)
        self.assertEqual(iam.disable_organizations_root_sessions()["EnabledFeatures"],
                         ["RootCredentialsManagement"])
        self.assertEqual(iam.disable_organizations_root_sessions()["EnabledFeatures"],
                         ["RootCredentialsManagement"])

        code, out, err = self.aws_cli("iam", "list-organizations-features")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["EnabledFeatures"], ["RootCredentialsManagement"])

        # Without IAM's trusted access, centralized root access is off, and stays off once the
        # access comes back.
        iam.enable_organizations_root_sessions()
        org.disable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
        self.assertIamError(iam.list_organizations_features, "ServiceAccessNotEnabledException")
        org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
        self.assertEqual(iam.list_organizations_features()["EnabledFeatures"], [])
        org.disable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)

    def test_each_call_is_authorized(self):
        org = self.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        self.addCleanup(org.delete_organization)
        org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
        self.addCleanup(org.disable_aws_service_access, ServicePrincipal=IAM_PRINCIPAL)
        reader = self.new_user_client("iam", "features-reader", json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:ListOrganizationsFeatures",
                "Resource": "*"}]}))
        self.assertEqual(reader.list_organizations_features()["EnabledFeatures"], [])
        for call in (reader.enable_organizations_root_sessions,
                     reader.enable_organizations_root_credentials_management,
                     reader.disable_organizations_root_sessions,
                     reader.disable_organizations_root_credentials_management):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(self.admin("iam").list_organizations_features()["EnabledFeatures"], [])


class MemberAccountTest(RootAccessTestCase):
    def test_only_the_management_account_manages_the_features(self):
        org = self.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
        member = self.created_account("member@example.com", "Member")
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % member,
            RoleSessionName="member-admin")["Credentials"]
        iam = self.session_client("iam", creds)
        not_management = ("AccountNotManagementOrDelegatedAdministratorException",
                          "The request was rejected because the account making the request is "
                          "not the management account or delegated administrator account for "
                          "centralized root access.")
        self.assertIamError(iam.list_organizations_features, *not_management)
        self.assertIamError(iam.disable_organizations_root_sessions, *not_management)
        for call in (iam.enable_organizations_root_sessions,
                     iam.enable_organizations_root_credentials_management):
            self.assertIamError(call, "CallerIsNotManagementAccountException",
                                "The request was rejected because the account making the request "
                                "is not the management account for the organization.")


class ConsolidatedBillingTest(RootAccessTestCase):
    def test_all_features_are_needed(self):
        self.admin("organizations").create_organization(FeatureSet="CONSOLIDATED_BILLING")
        self.assertIamError(self.admin("iam").list_organizations_features,
                            "OrganizationNotInAllFeaturesModeException",
                            "The request was rejected because your organization does not have "
                            "All features enabled.")


if __name__ == "__main__":
    unittest.main()
