"""The organization itself with boto3 and the AWS CLI: CreateOrganization and what it makes,
DescribeOrganization from a member, service access, the tree of OUs (depth, names, emptiness,
children and parents) and DeleteOrganization; an account in no organization is told so."""

import json
import time
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase


class OrganizationTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.admin("organizations")
        cls.created = cls.org.create_organization(FeatureSet="ALL")["Organization"]
        cls.root = cls.org.list_roots()["Roots"][0]

    def assert_error(self, call, code, reason=None):
        with self.assertRaises(ClientError) as ctx:
            call()
        error = ctx.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        if reason is not None:
            self.assertEqual(error["Reason"], reason)
        return error["Error"]["Message"]

    def ou(self, parent, name):
        return self.org.create_organizational_unit(ParentId=parent,
                                                   Name=name)["OrganizationalUnit"]["Id"]

    def test_create_organization_makes_the_root_and_the_service_linked_role(self):
        o = self.created
        self.assertRegex(o["Id"], r"^o-[a-z0-9]{10}$")
        self.assertEqual(o["Arn"], "arn:aws:organizations::%s:organization/%s"
                         % (self.account, o["Id"]))
        self.assertEqual(o["MasterAccountId"], self.account)
        self.assertEqual(o["MasterAccountArn"], "arn:aws:organizations::%s:account/%s/%s"
                         % (self.account, o["Id"], self.account))
        self.assertEqual(o["FeatureSet"], "ALL")
        self.assertEqual(self.org.describe_organization()["Organization"], o)
        self.assertRegex(self.root["Id"], r"^r-[0-9a-z]{4}$")
        self.assertEqual(self.root["Name"], "Root")
        self.assertEqual(self.root["Arn"], "arn:aws:organizations::%s:root/%s/%s"
                         % (self.account, o["Id"], self.root["Id"]))
        role = self.admin("iam").get_role(RoleName="AWSServiceRoleForOrganizations")["Role"]
        self.assertEqual(role["Path"], "/aws-service-role/organizations.amazonaws.com/")
        policies = self.org.list_policies_for_target(
            TargetId=self.root["Id"], Filter="SERVICE_CONTROL_POLICY")["Policies"]
        self.assertEqual([p["Id"] for p in policies], ["p-FullAWSAccess"])
        self.assert_error(lambda: self.org.create_organization(), "AlreadyInOrganizationException")

    def test_members_describe_the_organization_and_strangers_are_told_they_have_none(self):
        member = self.create_account("describer")
        handshake = self.org.invite_account_to_organization(
            Target={"Type": "ACCOUNT", "Id": member["account_id"]})["Handshake"]
        member_org = self.client("organizations", member["access_key_id"],
                                 member["secret_access_key"])
        self.assert_error(member_org.describe_organization, "AWSOrganizationsNotInUseException")
        member_org.accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(member_org.describe_organization()["Organization"]["Id"],
                         self.created["Id"])
        # Managing the organization is for the management account.
        self.assert_error(member_org.list_roots, "AccessDeniedException")
        self.assert_error(lambda: member_org.create_organizational_unit(
            ParentId=self.root["Id"], Name="x"), "AccessDeniedException")

    def test_the_tree_of_ous(self):
        root = self.root["Id"]
        team = self.ou(root, "Team")
        self.assertRegex(team, r"^ou-%s-[a-z0-9]{8}$" % root[2:])
        child = self.ou(team, "Child")
        self.assertEqual(self.org.describe_organizational_unit(OrganizationalUnitId=child)[
            "OrganizationalUnit"], {"Id": child, "Name": "Child",
                                    "Arn": "arn:aws:organizations::%s:ou/%s/%s"
                                    % (self.account, self.created["Id"], child)})
        self.assertEqual(self.org.list_parents(ChildId=child)["Parents"],
                         [{"Id": team, "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual(self.org.list_parents(ChildId=team)["Parents"],
                         [{"Id": root, "Type": "ROOT"}])
        self.assertEqual(self.org.list_parents(ChildId=self.account)["Parents"],
                         [{"Id": root, "Type": "ROOT"}])
        self.assertEqual(self.org.list_children(ParentId=team, ChildType="ORGANIZATIONAL_UNIT")[
            "Children"], [{"Id": child, "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertIn({"Id": self.account, "Type": "ACCOUNT"},
                      self.org.list_children(ParentId=root, ChildType="ACCOUNT")["Children"])
        names = [u["Name"] for u in self.org.list_organizational_units_for_parent(
            ParentId=team)["OrganizationalUnits"]]
        self.assertEqual(names, ["Child"])
        # Names are unique under one parent, not across the tree.
        self.assert_error(lambda: self.ou(team, "Child"), "DuplicateOrganizationalUnitException")
        self.ou(root, "Child")
        renamed = self.org.update_organizational_unit(OrganizationalUnitId=child,
                                                      Name="Renamed")["OrganizationalUnit"]
        self.assertEqual(renamed["Name"], "Renamed")
        # Only an empty OU goes.
        self.assert_error(lambda: self.org.delete_organizational_unit(OrganizationalUnitId=team),
                          "OrganizationalUnitNotEmptyException")
        self.org.delete_organizational_unit(OrganizationalUnitId=child)
        self.org.delete_organizational_unit(OrganizationalUnitId=team)
        self.assert_error(lambda: self.org.describe_organizational_unit(
            OrganizationalUnitId=team), "OrganizationalUnitNotFoundException")
        self.assert_error(lambda: self.ou("ou-zzzz-zzzzzzzz", "x"), "ParentNotFoundException")
        self.assert_error(lambda: self.org.list_parents(ChildId="111111111111"),
                          "ChildNotFoundException")

    def test_five_levels_of_ous_at_most(self):
        parent = self.root["Id"]
        for level in range(5):
            parent = self.ou(parent, "Level%d" % (level + 1))
        self.assert_error(lambda: self.ou(parent, "Level6"), "ConstraintViolationException",
                          "OU_DEPTH_LIMIT_EXCEEDED")

    def test_bad_input_is_invalid_input_with_a_reason(self):
        # Organizations words each failed constraint its own way, with the Reason it implies.
        for call, reason, message in [
                (lambda: self.org.describe_organizational_unit(OrganizationalUnitId="not-an-ou"),
                 "INVALID_PATTERN",
                 "You provided a value that does not match the required pattern."),
                (lambda: self.org.list_policies_for_target(TargetId="not-a-target",
                                                           Filter="SERVICE_CONTROL_POLICY"),
                 "INVALID_PATTERN_TARGET_ID",
                 "You specified a policy target ID that doesn't match the required pattern."),
                (lambda: self.org.describe_policy(PolicyId="not-a-policy"),
                 "INVALID_SYNTAX_POLICY_ID", "You specified an invalid policy ID."),
                (lambda: self.org.list_policies(Filter="NOT_A_TYPE"),
                 "INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string."),
                (lambda: self.org.list_accounts(MaxResults=21),
                 "MAX_VALUE_EXCEEDED",
                 "You provided a numeric parameter that has a larger value than allowed."),
                (lambda: self.ou(self.root["Id"], "x" * 129), "MAX_LENGTH_EXCEEDED",
                 "You provided a string parameter that is longer than allowed.")]:
            self.assertEqual(self.assert_error(call, "InvalidInputException", reason), message)

    def test_service_access(self):
        self.org.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
        self.org.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
        listed = self.org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
        self.assertEqual([p["ServicePrincipal"] for p in listed], ["config.amazonaws.com"])
        self.assertLess(abs(listed[0]["DateEnabled"].timestamp() - time.time()), 60)
        # Only the services that integrate with Organizations can be named.
        for principal in ("nope", "nope.amazonaws.com", "CONFIG.amazonaws.com"):
            for call in (self.org.enable_aws_service_access, self.org.disable_aws_service_access):
                message = self.assert_error(lambda: call(ServicePrincipal=principal),
                                            "InvalidInputException",
                                            "UNRECOGNIZED_SERVICE_PRINCIPAL")
                self.assertEqual(message,
                                 "You specified a service principal that isn't recognized.")
        self.org.disable_aws_service_access(ServicePrincipal="config.amazonaws.com")
        self.assertEqual(
            self.org.list_aws_service_access_for_organization()["EnabledServicePrincipals"], [])

    def test_cli_describes_the_organization(self):
        code, out, err = self.aws_cli("organizations", "describe-organization")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["Organization"]["Id"], self.created["Id"])


class DeleteOrganizationTest(GatehouseTestCase):
    def test_only_an_organization_without_members_is_deleted(self):
        org = self.admin("organizations")
        org.create_organization(FeatureSet="CONSOLIDATED_BILLING")
        member = self.create_account("leaver")
        handshake = org.invite_account_to_organization(
            Target={"Type": "ACCOUNT", "Id": member["account_id"]})["Handshake"]
        member_org = self.client("organizations", member["access_key_id"],
                                 member["secret_access_key"])
        member_org.accept_handshake(HandshakeId=handshake["Id"])
        with self.assertRaises(ClientError) as ctx:
            org.delete_organization()
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "OrganizationNotEmptyException")
        member_org.leave_organization()
        org.delete_organization()
        with self.assertRaises(ClientError) as ctx:
            org.describe_organization()
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "AWSOrganizationsNotInUseException")
        # A new organization can be made afterwards.
        self.assertEqual(org.create_organization()["Organization"]["FeatureSet"], "ALL")
        org.delete_organization()

    def test_enable_all_features(self):
        org = self.admin("organizations")
        org.create_organization(FeatureSet="CONSOLIDATED_BILLING")
        self.addCleanup(org.delete_organization)
        handshake = org.enable_all_features()["Handshake"]
        self.assertEqual(handshake["Action"], "ENABLE_ALL_FEATURES")
        self.assertRegex(handshake["Arn"], r":handshake/o-[a-z0-9]+/enable_all_features/h-")
        self.assertEqual(org.describe_organization()["Organization"]["FeatureSet"], "ALL")
        with self.assertRaises(ClientError) as ctx:
            org.enable_all_features()
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "HandshakeConstraintViolationException")
        self.assertEqual(ctx.exception.response["Reason"],
                         "ORGANIZATION_ALREADY_HAS_ALL_FEATURES")


if __name__ == "__main__":
    unittest.main()
