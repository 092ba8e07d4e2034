#include "federation/saml_conditions.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/time_format.h"
#include "federation/saml_errors.h"
#include "federation/saml_xml.h"

namespace gatehouse::federation {
namespace {

constexpr char kBearer[] = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The time of attribute `name` of `node`: nullopt when absent, an error when not a time.
Result<std::optional<int64_t>> TimeAttribute(const xmlNode* node, const char* name) {
  std::optional<std::string> text = AttributeValue(node, name);
  if (!text) return std::optional<int64_t>();
  std::optional<int64_t> ms = ParseIsoTime(*text);
  if (!ms) {
    return SamlInvalid(std::string(name) + " of " + reinterpret_cast<const char*>(node->name) +
                       " is not a time");
  }
  return ms;
}

Status Expired() { return Status(ErrorCode::kExpiredTokenException, kSamlExpired); }
Status NotYetValid() { return Status(ErrorCode::kInvalidIdentityToken, kSamlNotYetValid); }

bool Started(std::optional<int64_t> not_before, const SamlExpectations& expect) {
  return !not_before || *not_before <= expect.now_ms + expect.skew_ms;
}
bool Ended(int64_t not_on_or_after, const SamlExpectations& expect) {
  return expect.now_ms - expect.skew_ms >= not_on_or_after;
}

// Whether the AudienceRestriction names an accepted audience.
bool AudienceAccepted(const xmlNode* restriction, const SamlExpectations& expect) {
  for (const xmlNode* audience : ChildElements(restriction, kSamlAssertionNs, "Audience")) {
    if (Contains(expect.audiences, TextContent(audience))) return true;
  }
  return false;
}

// The conditions other than AudienceRestriction that the server understands; any other is a
// condition it cannot evaluate, which makes the assertion invalid to it (core §2.5.1).
bool KnownCondition(const xmlNode* condition) {
  return IsElement(condition, kSamlAssertionNs, "AudienceRestriction") ||
         IsElement(condition, kSamlAssertionNs, "OneTimeUse") ||
         IsElement(condition, kSamlAssertionNs, "ProxyRestriction");
}

// The Conditions' NotOnOrAfter, when it has one, after checking the window and the audiences.
Result<std::optional<int64_t>> CheckConditions(const xmlNode* assertion,
                                               const SamlExpectations& expect) {
  std::vector<xmlNode*> all = ChildElements(assertion, kSamlAssertionNs, "Conditions");
  if (all.size() > 1) return SamlInvalid("the assertion has more than one Conditions");
  if (all.empty()) return Status(ErrorCode::kInvalidIdentityToken, kSamlAudienceMissing);
  const xmlNode* conditions = all[0];
  ASSIGN_OR_RETURN(std::optional<int64_t> not_before, TimeAttribute(conditions, "NotBefore"));
  ASSIGN_OR_RETURN(std::optional<int64_t> not_on_or_after,
                   TimeAttribute(conditions, "NotOnOrAfter"));
  if (!Started(not_before, expect)) return NotYetValid();
  if (not_on_or_after && Ended(*not_on_or_after, expect)) return Expired();
  bool restricted = false;
  for (const xmlNode* condition : AllChildElements(conditions)) {
    if (!KnownCondition(condition)) return SamlInvalid("the assertion has an unknown condition");
    if (!IsElement(condition, kSamlAssertionNs, "AudienceRestriction")) continue;
    if (!AudienceAccepted(condition, expect)) {
      return Status(ErrorCode::kInvalidIdentityToken, kSamlAudienceMissing);
    }
    restricted = true;
  }
  if (!restricted) return Status(ErrorCode::kInvalidIdentityToken, kSamlAudienceMissing);
  return not_on_or_after;
}

// How a bearer SubjectConfirmation fares.
enum class Confirmation { kUnusable, kExpired, kAccepted };

// The outcome of one SubjectConfirmation, and its NotOnOrAfter when accepted.
Result<Confirmation> CheckConfirmation(const xmlNode* confirmation, const SamlExpectations& expect,
                                       int64_t& not_on_or_after_ms) {
  if (AttributeValue(confirmation, "Method") != kBearer) return Confirmation::kUnusable;
  std::vector<xmlNode*> data =
      ChildElements(confirmation, kSamlAssertionNs, "SubjectConfirmationData");
  if (data.size() != 1) return Confirmation::kUnusable;
  if (!expect.recipients.empty()) {
    std::optional<std::string> recipient = AttributeValue(data[0], "Recipient");
    if (!recipient || !Contains(expect.recipients, *recipient)) return Confirmation::kUnusable;
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> not_before, TimeAttribute(data[0], "NotBefore"));
  ASSIGN_OR_RETURN(std::optional<int64_t> not_on_or_after, TimeAttribute(data[0], "NotOnOrAfter"));
  // The bearer profile requires NotOnOrAfter: without it the assertion could be replayed forever.
  if (!not_on_or_after || !Started(not_before, expect)) return Confirmation::kUnusable;
  if (Ended(*not_on_or_after, expect)) return Confirmation::kExpired;
  not_on_or_after_ms = *not_on_or_after;
  return Confirmation::kAccepted;
}

// The NotOnOrAfter of the first accepted bearer confirmation of the assertion's Subject.
Result<int64_t> CheckBearer(const xmlNode* assertion, const SamlExpectations& expect) {
  std::vector<xmlNode*> subjects = ChildElements(assertion, kSamlAssertionNs, "Subject");
  if (subjects.size() != 1) return SamlInvalid("the assertion must have one Subject");
  bool expired = false;
  for (const xmlNode* confirmation :
       ChildElements(subjects[0], kSamlAssertionNs, "SubjectConfirmation")) {
    int64_t not_on_or_after = 0;
    ASSIGN_OR_RETURN(Confirmation outcome,
                     CheckConfirmation(confirmation, expect, not_on_or_after));
    if (outcome == Confirmation::kAccepted) return not_on_or_after;
    expired = expired || outcome == Confirmation::kExpired;
  }
  if (expired) return Expired();
  return SamlInvalid("the assertion has no bearer SubjectConfirmation for this server");
}

}  // namespace

Result<int64_t> CheckAssertionConditions(const xmlNode* assertion, const SamlExpectations& expect) {
  ASSIGN_OR_RETURN(std::optional<int64_t> conditions_end, CheckConditions(assertion, expect));
  ASSIGN_OR_RETURN(int64_t bearer_end, CheckBearer(assertion, expect));
  return conditions_end ? std::min(*conditions_end, bearer_end) : bearer_end;
}

}  // namespace gatehouse::federation
