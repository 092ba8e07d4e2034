"""Pagination markers with boto3 and the AWS CLI: IAM's Marker and Organizations' NextToken are
opaque tokens that lead page by page through a list (the CLI's automatic pagination too), and a
token the server never issued is refused as AWS refuses it: IAM with ValidationError "Invalid
Marker.", Organizations with InvalidInputException INVALID_NEXT_TOKEN.

Run: python3 -m unittest test_pagination (from tests/integration), GATEHOUSE_BIN set (ctest sets
it).
"""
import json
import unittest

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

NAMES = ["page-a", "page-b", "page-c"]


class PaginationTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        for name in NAMES:
            iam.create_user(UserName=name, Path="/paging/")

    def test_markers_lead_through_the_list(self):
        iam = self.admin("iam")
        seen, kwargs = [], {}
        while True:
            page = iam.list_users(PathPrefix="/paging/", MaxItems=1, **kwargs)
            seen += [u["UserName"] for u in page["Users"]]
            if not page["IsTruncated"]:
                break
            self.assertNotIn(page["Users"][0]["UserName"], page["Marker"])
            kwargs = {"Marker": page["Marker"]}
        self.assertEqual(seen, NAMES)
        code, out, err = self.aws_cli("iam", "list-users", "--path-prefix", "/paging/",
                                      "--page-size", "1")
        self.assertEqual(code, 0, err)
        self.assertEqual([u["UserName"] for u in json.loads(out)["Users"]], NAMES)

    def test_a_marker_the_server_never_issued_is_refused(self):
        iam = self.admin("iam")
        marker = iam.list_users(PathPrefix="/paging/", MaxItems=1)["Marker"]
        for bad in ("page-a", "garbage", marker[:-4], marker[:4] + "A" + marker[5:]):
            if bad == marker:
                continue
            with self.assertRaises(ClientError) as e:
                iam.list_users(PathPrefix="/paging/", Marker=bad)
            error = e.exception.response["Error"]
            self.assertEqual((error["Code"], error["Message"]),
                             ("ValidationError", "Invalid Marker."))
            self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_organizations_next_token(self):
        org = self.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        self.addCleanup(org.delete_organization)
        root = org.list_roots()["Roots"][0]["Id"]
        for name in ("ou-1", "ou-2"):
            org.create_organizational_unit(ParentId=root, Name=name)
        first = org.list_organizational_units_for_parent(ParentId=root, MaxResults=1)
        rest = org.list_organizational_units_for_parent(ParentId=root,
                                                        NextToken=first["NextToken"])
        self.assertEqual(len(first["OrganizationalUnits"]) + len(rest["OrganizationalUnits"]), 2)
        with self.assertRaises(ClientError) as e:
            org.list_organizational_units_for_parent(ParentId=root, NextToken="garbage")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidInputException")
        self.assertEqual(e.exception.response["Reason"], "INVALID_NEXT_TOKEN")
        for ou in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]:
            self.addCleanup(org.delete_organizational_unit, OrganizationalUnitId=ou["Id"])


if __name__ == "__main__":
    unittest.main()
