#include "services/dispatcher.h"

#include <gtest/gtest.h>

#include "signed_request.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795935600;  // 2026-11-29T07:00:00Z

class FixedRandom : public Random {
 public:
  void Fill(uint8_t* out, size_t size) override {
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(i);
  }
};

void Sign(HttpRequest& r, const std::string& key_id, const std::string& secret,
          const std::string& service) {
  testing_support::Sign(r, key_id, secret, service, kNow);
}

using testing_support::Form;

// Alice may get users under /team/ and nothing else; bob has no policy.
class TestPolicies : public PolicySource {
 public:
  authz::PrincipalPolicies Policies(const auth::AccessKeyRecord& c) const override {
    authz::PrincipalPolicies policies;
    if (c.principal_arn.ends_with("/alice")) {
      policies.identity.push_back(
          {R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser",)"
           R"("Resource":"arn:aws:iam::111111111111:user/team/*"}})",
           "user_alice_inline"});
    }
    if (c.principal_arn.ends_with("/carol")) {
      policies.identity.push_back(
          {R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
           "user_carol_inline"});
    }
    return policies;
  }
  std::map<std::string, std::string> PrincipalTags(const auth::AccessKeyRecord&) const override {
    return {};
  }
  ResourceInfo Resource(authz::ResourceForm, const auth::AccessKeyRecord&,
                        const json& input) const override {
    std::string name = input.value("UserName", "alice");
    return {"arn:aws:iam::111111111111:user" + std::string(name == "bob" ? "/team/" : "/") + name,
            {},
            "",
            ""};
  }
};

class DispatcherTest : public testing::Test {
 protected:
  DispatcherTest()
      : models_(*protocol::ModelRegistry::LoadEmbedded()),
        dispatcher_(models_, credentials_, policies_, random_, [] { return kNow; }) {
    credentials_.Add({"AKIAEXAMPLEKEY000001", "secret-1", "arn:aws:iam::111111111111:user/alice",
                      "111111111111", "AIDAEXAMPLE", true, nullptr});
    dispatcher_.Register("iam", "GetUser", [](const OperationContext& c) -> Result<json> {
      return json{{"User",
                   {{"Path", "/"},
                    {"UserName", c.input.value("UserName", "alice")},
                    {"UserId", "AIDAEXAMPLE"},
                    {"Arn", c.caller.principal_arn},
                    {"CreateDate", "2026-11-29T07:00:00Z"}}}};
    });
  }

  HttpResponse Send(HttpRequest r, std::string service = "iam", std::string secret = "secret-1") {
    Sign(r, "AKIAEXAMPLEKEY000001", secret, service);
    return dispatcher_.Handle(r, &record_);
  }

  protocol::ModelRegistry models_;
  auth::InMemoryCredentials credentials_;
  TestPolicies policies_;
  FixedRandom random_;
  Dispatcher dispatcher_;
  DispatchRecord record_;
};

TEST_F(DispatcherTest, AnswersARegisteredOperation) {
  HttpResponse r = Send(Form("Action=GetUser&Version=2010-05-08&UserName=bob"));  // /team/bob
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                        "<GetUserResult><User><Path>/</Path><UserName>bob</UserName>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(record_.operation, "iam:GetUser");
  EXPECT_EQ(record_.principal, "arn:aws:iam::111111111111:user/alice");
}

TEST_F(DispatcherTest, AuthorizesWithTheCallersPolicies) {
  HttpResponse denied = Send(Form("Action=GetUser&Version=2010-05-08&UserName=carol"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("<Code>AccessDenied</Code><Message>User: "
                             "arn:aws:iam::111111111111:user/alice is not authorized to perform: "
                             "iam:GetUser on resource: arn:aws:iam::111111111111:user/carol "
                             "because no identity-based policy allows the iam:GetUser "
                             "action</Message>"),
            std::string::npos)
      << denied.body;
}

TEST_F(DispatcherTest, ErrorsAtEachStep) {
  HttpResponse unsigned_request = dispatcher_.Handle(Form("Action=GetUser"), &record_);
  EXPECT_EQ(unsigned_request.status, 403);
  EXPECT_NE(unsigned_request.body.find("<Code>MissingAuthenticationToken</Code>"),
            std::string::npos);

  HttpRequest unknown_key = Form("Action=GetUser");
  Sign(unknown_key, "AKIANOSUCHKEY0000000", "x", "iam");
  HttpResponse r = dispatcher_.Handle(unknown_key, &record_);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("<Code>InvalidClientTokenId</Code><Message>The security token included "
                        "in the request is invalid.</Message>"),
            std::string::npos);

  EXPECT_NE(Send(Form("Action=GetUser"), "iam", "wrong").body.find("SignatureDoesNotMatch"),
            std::string::npos);

  HttpResponse invalid = Send(Form("Action=Frobnicate&Version=2010-05-08"));
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.body.find("<Code>InvalidAction</Code><Message>Could not find operation "
                              "Frobnicate for version 2010-05-08</Message>"),
            std::string::npos);

  HttpResponse bad_input = Send(Form("Action=GetUser&UserName=a%2Fb"));  // validated first
  EXPECT_EQ(bad_input.status, 400);
  EXPECT_NE(bad_input.body.find("<Code>ValidationError</Code>"), std::string::npos);

  HttpResponse not_yet = Send(Form("Action=ListUsers"));
  EXPECT_EQ(not_yet.status, 501);
  EXPECT_NE(not_yet.body.find("gatehouse does not implement iam:ListUsers yet."),
            std::string::npos);
  EXPECT_EQ(record_.error_code, "NotImplemented");
}

TEST_F(DispatcherTest, JsonProtocolErrors) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  r.headers.emplace_back("X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization");
  r.body = "{}";
  HttpResponse not_yet = Send(r, "organizations");
  EXPECT_EQ(not_yet.status, 501);
  EXPECT_EQ(json::parse(not_yet.body)["__type"], "NotImplemented");

  r.headers[1].second = "AWSOrganizationsV20161128.CreateAccount";
  r.body = R"({"AccountName":"x"})";
  HttpResponse invalid = Send(r, "organizations");
  EXPECT_EQ(invalid.status, 400);
  // Organizations words a failed constraint as InvalidInputException with the Reason it implies.
  EXPECT_EQ(json::parse(invalid.body)["__type"], "InvalidInputException");
  EXPECT_EQ(json::parse(invalid.body)["Reason"], "INPUT_REQUIRED");
}

std::string ResponseHeader(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// The exception barrier: whatever a handler throws is answered 500 InternalFailure in the
// service's envelope, with the request id, and the dispatcher goes on serving.
TEST_F(DispatcherTest, AHandlerThatThrowsIsAnsweredInternalFailure) {
  dispatcher_.Register("sts", "GetCallerIdentity", [](const OperationContext& c) -> Result<json> {
    return json{{"Account", c.input.at("NoSuchMember")}};  // throws json::out_of_range
  });
  HttpResponse r = Send(Form("Action=GetCallerIdentity&Version=2011-06-15"), "sts");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("<Type>Receiver</Type><Code>InternalFailure</Code>"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<RequestId>" + record_.request_id + "</RequestId>"), std::string::npos);
  EXPECT_EQ(ResponseHeader(r, "x-amzn-RequestId"), record_.request_id);
  EXPECT_EQ(record_.status, 500);
  EXPECT_EQ(record_.error_code, "InternalFailure");
  EXPECT_EQ(record_.operation, "sts:GetCallerIdentity");

  HttpResponse next = Send(Form("Action=GetUser&Version=2010-05-08&UserName=bob"));
  EXPECT_EQ(next.status, 200);
}

TEST_F(DispatcherTest, AThrowingHandlerIsAnsweredInTheJsonEnvelope) {
  credentials_.Add({"AKIAEXAMPLEKEY000003", "secret-3", "arn:aws:iam::111111111111:user/carol",
                    "111111111111", "AIDAEXAMPLE3", true, nullptr});
  dispatcher_.Register(
      "organizations", "DescribeOrganization",
      [](const OperationContext&) -> Result<json> { throw std::runtime_error("boom"); });
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  r.headers.emplace_back("X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization");
  r.body = "{}";
  Sign(r, "AKIAEXAMPLEKEY000003", "secret-3", "organizations");
  HttpResponse answer = dispatcher_.Handle(r, &record_);
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(json::parse(answer.body)["__type"], "InternalFailure");
  EXPECT_EQ(answer.body.find("boom"), std::string::npos);  // the message is logged, not sent
  EXPECT_EQ(ResponseHeader(answer, "x-amzn-RequestId"), record_.request_id);
}

TEST_F(DispatcherTest, AConsoleCallWhoseHandlerThrowsIsAnInternalFailure) {
  dispatcher_.Register("sts", "GetCallerIdentity", [](const OperationContext&) -> Result<json> {
    throw 42;  // not even a std::exception
  });
  auth::AccessKeyRecord caller{"AKIAEXAMPLEKEY000001",
                               "secret-1",
                               "arn:aws:iam::111111111111:user/alice",
                               "111111111111",
                               "AIDAEXAMPLE",
                               true,
                               nullptr};
  Result<json> r =
      dispatcher_.Call("sts", "GetCallerIdentity", "{}", caller, HttpRequest{}, &record_);
  EXPECT_EQ(r.status().code(), ErrorCode::kInternalFailure);
  EXPECT_EQ(record_.status, 500);
  EXPECT_EQ(record_.error_code, "InternalFailure");
}

// A JSON null member counts as absent: it never reaches a handler.
TEST_F(DispatcherTest, NullMembersNeverReachAHandler) {
  dispatcher_.Register("sts", "GetCallerIdentity", [](const OperationContext& c) -> Result<json> {
    EXPECT_TRUE(c.input.is_object());
    for (const auto& [name, value] : c.input.items()) EXPECT_FALSE(value.is_null()) << name;
    return json{{"Account", "111111111111"}};
  });
  auth::AccessKeyRecord caller{"AKIAEXAMPLEKEY000003",
                               "secret-3",
                               "arn:aws:iam::111111111111:user/carol",
                               "111111111111",
                               "AIDAEXAMPLE3",
                               true,
                               nullptr};
  EXPECT_TRUE(dispatcher_.Call("sts", "GetCallerIdentity", "null", caller, HttpRequest{}).ok());
  Result<json> user =
      dispatcher_.Call("iam", "GetUser", R"({"UserName":null})", caller, HttpRequest{});
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ((*user)["User"]["UserName"], "alice");  // the handler's default: no UserName given
}

}  // namespace
}  // namespace gatehouse::services
