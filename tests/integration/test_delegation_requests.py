"""Temporary access delegation, driven with boto3 and the AWS CLI against `gatehouse serve`: the
server onboards no partners (README), so CreateDelegationRequest is refused after the caller's
authorization, every operation naming a request answers NoSuchEntity, the list is empty,
GetHumanReadableSummary knows only delegation requests, and STS refuses every trade-in token.
"""
import json
import warnings

from gatehouse_fixture import GatehouseTestCase

REQUEST_ID = "dr-1234567890abcdef"


class DelegationRequestTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)

    def test_no_request_can_be_created(self):
        iam = self.admin("iam")
        message = self.assertAwsError(
            iam.create_delegation_request, "AccessDenied", 403, Description="read access",
            Permissions={"PolicyTemplateArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
            RequestorWorkflowId="workflow-1",
            NotificationChannel="arn:aws:sns:us-east-1:%s:partner" % self.account,
            SessionDuration=3600)
        self.assertIn("onboard", message)
        self.assertEqual(iam.list_delegation_requests()["DelegationRequests"], [])
        self.assertFalse(iam.list_delegation_requests(MaxItems=5)["isTruncated"])

    def test_every_operation_on_a_request_finds_none(self):
        iam = self.admin("iam")
        for call in (iam.get_delegation_request, iam.accept_delegation_request,
                     iam.associate_delegation_request, iam.reject_delegation_request,
                     iam.update_delegation_request, iam.send_delegation_token):
            message = self.assertAwsError(call, "NoSuchEntity", 404,
                                          DelegationRequestId=REQUEST_ID)
            self.assertIn(REQUEST_ID, message)

    def test_the_summary_knows_only_delegation_requests(self):
        iam = self.admin("iam")
        self.assertAwsError(
            iam.get_human_readable_summary, "NoSuchEntity", 404,
            EntityArn="arn:aws:iam::%s:delegation-request/%s" % (self.account, REQUEST_ID))
        self.assertAwsError(iam.get_human_readable_summary, "InvalidInput", 400,
                            EntityArn="arn:aws:iam::%s:user/admin" % self.account)
        self.assertAwsError(iam.get_human_readable_summary, "InvalidInput", 400,
                            EntityArn="arn:aws:s3:::delegation-request/x")

    def test_sts_refuses_every_trade_in_token(self):
        self.assertAwsError(self.admin("sts").get_delegated_access_token,
                            "ExpiredTradeInTokenException", 400,
                            TradeInToken="token-of-a-request-never-made")

    def test_each_operation_is_authorized(self):
        iam = self.new_user_client("iam", "lister", json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ListDelegationRequests",
                           "Resource": "*"}]}))
        iam.list_delegation_requests()
        message = self.assertAwsError(iam.get_delegation_request, "AccessDenied", 403,
                                      DelegationRequestId=REQUEST_ID)
        self.assertIn("is not authorized to perform: iam:GetDelegationRequest", message)
        message = self.assertAwsError(
            iam.create_delegation_request, "AccessDenied", 403, Description="d",
            Permissions={"PolicyTemplateArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
            RequestorWorkflowId="workflow-1", NotificationChannel="topic",
            SessionDuration=3600)
        self.assertIn("is not authorized to perform: iam:CreateDelegationRequest", message)

    def test_the_aws_cli(self):
        code, out, err = self.aws_cli("iam", "list-delegation-requests")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["DelegationRequests"], [])
        code, out, err = self.aws_cli("iam", "get-delegation-request",
                                      "--delegation-request-id", REQUEST_ID)
        self.assertNotEqual(code, 0)
        self.assertIn("NoSuchEntity", err)
