// requestParameters and responseElements as CloudTrail writes them: member names with a
// lower-case first letter, credentials left out, sensitive values hidden — and a sweep over
// every operation of the iam, sts and organizations models, each member filled with a marked
// value, finds no secret in any event.
#include "audit/event_elements.h"

#include <gtest/gtest.h>

#include <functional>

#include "audit/canonical_json.h"
#include "protocol/model.h"

namespace gatehouse::audit {
namespace {

using nlohmann::json;
using protocol::ModelRegistry;
using protocol::ServiceModel;
using protocol::Shape;
using protocol::ShapeType;

const ModelRegistry& Registry() {
  static const ModelRegistry registry = *ModelRegistry::LoadEmbedded();
  return registry;
}

json Elements(std::string_view service, std::string_view operation, bool output,
              const json& value) {
  const ServiceModel& model = *Registry().Find(service);
  const protocol::Operation& op = *model.FindOperation(operation);
  const std::string text =
      EventElements(model, *model.FindShape(output ? op.output : op.input), value);
  // Written in the canonical form: what dumping the parsed text writes.
  EXPECT_EQ(CanonicalJson(json::parse(text)), text);
  return json::parse(text);
}

TEST(EventElements, MemberNamesStartLowerCase) {
  EXPECT_EQ(Elements("iam", "CreateUser", false, {{"UserName", "alice"}, {"Path", "/team/"}}),
            json({{"userName", "alice"}, {"path", "/team/"}}));
  EXPECT_EQ(EventMemberName("SAMLMetadataDocument"), "sAMLMetadataDocument");
  EXPECT_EQ(EventMemberName(""), "");
}

TEST(EventElements, NothingTheModelDoesNotNameAndNoEmptyElements) {
  EXPECT_EQ(Elements("iam", "CreateUser", false, {{"UserName", "a"}, {"Password", "x"}}),
            json({{"userName", "a"}}));
  EXPECT_TRUE(Elements("iam", "ListUsers", false, json::object()).is_null());
  EXPECT_TRUE(Elements("iam", "ListUsers", false, "text").is_null());
}

TEST(EventElements, PasswordsAndOneTimeCodesAreHidden) {
  EXPECT_EQ(Elements("iam", "CreateLoginProfile", false,
                     {{"UserName", "alice"}, {"Password", "Secret-1"}}),
            json({{"userName", "alice"}, {"password", kHidden}}));
  EXPECT_EQ(Elements("iam", "EnableMFADevice", false,
                     {{"UserName", "alice"},
                      {"SerialNumber", "arn:aws:iam::1:mfa/a"},
                      {"AuthenticationCode1", "123456"},
                      {"AuthenticationCode2", "654321"}}),
            json({{"userName", "alice"},
                  {"serialNumber", "arn:aws:iam::1:mfa/a"},
                  {"authenticationCode1", kHidden},
                  {"authenticationCode2", kHidden}}));
  json assume = Elements(
      "sts", "AssumeRole", false,
      {{"RoleArn", "arn:aws:iam::1:role/r"}, {"RoleSessionName", "s"}, {"TokenCode", "123456"}});
  EXPECT_EQ(assume["tokenCode"], kHidden);
}

TEST(EventElements, CredentialsHandedOutAreLeftOut) {
  json key = Elements("iam", "CreateAccessKey", true,
                      {{"AccessKey",
                        {{"UserName", "alice"},
                         {"AccessKeyId", "AKIAEXAMPLE"},
                         {"Status", "Active"},
                         {"SecretAccessKey", "wJalrXUtnFEMI"}}}});
  EXPECT_EQ(key["accessKey"]["accessKeyId"], "AKIAEXAMPLE");
  EXPECT_FALSE(key["accessKey"].contains("secretAccessKey"));
  json session = Elements("sts", "AssumeRole", true,
                          {{"Credentials",
                            {{"AccessKeyId", "ASIAEXAMPLE"},
                             {"SecretAccessKey", "secret"},
                             {"SessionToken", "token"},
                             {"Expiration", "2026-12-05T00:00:00Z"}}},
                           {"AssumedRoleUser", {{"Arn", "arn"}, {"AssumedRoleId", "AROA:s"}}}});
  EXPECT_EQ(session["credentials"],
            json({{"accessKeyId", "ASIAEXAMPLE"}, {"expiration", "2026-12-05T00:00:00Z"}}));
}

// Lists and maps keep their null items; a structure leaves its null members out, and a value
// of the wrong kind is null.
TEST(EventElements, ListsMapsAndValuesOfTheWrongKind) {
  EXPECT_EQ(Elements("iam", "TagUser", false,
                     {{"UserName", "alice"},
                      {"Tags", {{{"Key", "b"}, {"Value", "1"}}, "not a tag", {{"Key", 7}}}}}),
            json({{"userName", "alice"},
                  {"tags", {{{"key", "b"}, {"value", "1"}}, nullptr, {{"key", 7}}}}}));
  EXPECT_EQ(Elements("iam", "CreateUser", false, {{"UserName", {{"nested", 1}}}, {"Path", "/"}}),
            json({{"path", "/"}}));
  EXPECT_EQ(Elements("iam", "CreateUser", false, {{"UserName", nullptr}}), nullptr);
  EXPECT_EQ(Elements("iam", "TagUser", false, {{"UserName", "a"}, {"Tags", "x"}}),
            json({{"userName", "a"}}));
}

TEST(EventElements, SensitiveShapesOfEveryServiceAreHidden) {
  json mfa = Elements("iam", "CreateVirtualMFADevice", true,
                      {{"VirtualMFADevice",
                        {{"SerialNumber", "arn:aws:iam::1:mfa/a"},
                         {"Base32StringSeed", "SEED"},
                         {"QRCodePNG", "PNG"}}}});
  EXPECT_EQ(mfa["virtualMFADevice"]["base32StringSeed"], kHidden);
  EXPECT_EQ(mfa["virtualMFADevice"]["qRCodePNG"], kHidden);
  EXPECT_EQ(Elements("organizations", "CreateAccount", false,
                     {{"Email", "a@example.com"}, {"AccountName", "Research"}}),
            json({{"email", kHidden}, {"accountName", kHidden}}));
  EXPECT_EQ(Elements("sts", "AssumeRoleWithSAML", false,
                     {{"RoleArn", "arn:aws:iam::1:role/r"},
                      {"PrincipalArn", "arn:aws:iam::1:saml-provider/p"},
                      {"SAMLAssertion", "PHNhbWw+"}})["sAMLAssertion"],
            kHidden);
}

// A value for every member of `shape`: markers that say whether the member must not appear
// ("SECRET…") or may.
json Fill(const ServiceModel& model, const Shape& shape, int depth, bool secret) {
  secret = secret || shape.sensitive;
  switch (shape.type) {
    case ShapeType::kStructure: {
      json out = json::object();
      if (depth > 6) return out;
      for (const protocol::Member& m : shape.members) {
        const Shape* s = model.FindShape(m.shape);
        if (s == nullptr) continue;
        const bool hidden = m.name == "SecretAccessKey" || m.name == "SessionToken" ||
                            m.name == "AuthenticationCode1" || m.name == "AuthenticationCode2" ||
                            m.name == "TokenCode";
        out[m.name] = Fill(model, *s, depth + 1, secret || hidden);
      }
      return out;
    }
    case ShapeType::kList: {
      const Shape* s = model.FindShape(shape.member.shape);
      return s == nullptr ? json::array() : json::array({Fill(model, *s, depth + 1, secret)});
    }
    case ShapeType::kMap: {
      const Shape* s = model.FindShape(shape.value.shape);
      return s == nullptr ? json::object() : json({{"k", Fill(model, *s, depth + 1, secret)}});
    }
    default:
      return secret ? "SECRET-VALUE" : "plain-value";
  }
}

TEST(EventElements, NoSecretOfAnyOperationReachesAnEvent) {
  int checked = 0;
  for (const char* service : {"iam", "sts", "organizations", "cloudtrail"}) {
    const ServiceModel& model = *Registry().Find(service);
    for (const auto& [name, op] : model.operations()) {
      for (const std::string& shape_name : {op.input, op.output}) {
        const Shape* shape = model.FindShape(shape_name);
        if (shape == nullptr) continue;
        const std::string event = EventElements(model, *shape, Fill(model, *shape, 0, false));
        EXPECT_EQ(event.find("SECRET"), std::string::npos)
            << service << ":" << name << " " << event;
        EXPECT_EQ(CanonicalJson(json::parse(event)), event) << service << ":" << name;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace gatehouse::audit
