#include "services/organizations/handshake_common.h"

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/organizations/input_errors.h"

namespace gatehouse::services::organizations {

using nlohmann::json;

std::string EffectiveState(const model::Handshake& handshake, int64_t now_ms) {
  const bool waiting =
      handshake.state == model::kHandshakeOpen || handshake.state == kHandshakeRequested;
  if (waiting && now_ms >= handshake.expires_ms) {
    return model::kHandshakeExpired;
  }
  return handshake.state;
}

Status CheckTransition(std::string_view current, std::string_view wanted) {
  if (current == wanted) {
    return Status(ErrorCode::kHandshakeAlreadyInStateException,
                  "The specified handshake is already in the requested state.");
  }
  const bool cancelable = current == kHandshakeRequested && wanted == model::kHandshakeCanceled;
  if (current != model::kHandshakeOpen && !cancelable) {
    return Status(ErrorCode::kInvalidHandshakeTransitionException,
                  "You can't perform the operation on the handshake in its current state.");
  }
  return Status::Ok();
}

std::string UnusedHandshakeId(const store::Directory& directory, Random& random) {
  std::string id;
  do {
    id = NewHandshakeId(random);
  } while (directory.Get<model::Handshake>(id) != nullptr);
  return id;
}

std::string HandshakeArn(const model::Handshake& handshake) {
  return "arn:aws:organizations::" + handshake.management_account_id + ":handshake/" +
         handshake.organization_id + "/" + AsciiLower(handshake.action) + "/" + handshake.id;
}

namespace {

json ResourcesJson(const std::vector<model::HandshakeResource>& resources) {
  json out = json::array();
  for (const model::HandshakeResource& r : resources) {
    json item = {{"Type", r.type}, {"Value", r.value}};
    if (!r.resources.empty()) item["Resources"] = ResourcesJson(r.resources);
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

json HandshakeJson(const model::Handshake& handshake, int64_t now_ms) {
  json parties = json::array();
  for (const model::HandshakeParty& p : handshake.parties) {
    parties.push_back({{"Id", p.id}, {"Type", p.type}});
  }
  return {{"Id", handshake.id},
          {"Arn", HandshakeArn(handshake)},
          {"Parties", std::move(parties)},
          {"State", EffectiveState(handshake, now_ms)},
          {"RequestedTimestamp", FormatIsoTime(handshake.requested_ms)},
          {"ExpirationTimestamp", FormatIsoTime(handshake.expires_ms)},
          {"Action", handshake.action},
          {"Resources", ResourcesJson(handshake.resources)}};
}

std::string AccountEmail(const store::Directory& directory, std::string_view account) {
  if (auto root = directory.FindRoot(account); root != nullptr && !root->email.empty()) {
    return root->email;
  }
  auto found = directory.FindAccount(account);
  return found != nullptr ? found->email : "";
}

bool InvitesAccount(const store::Directory& directory, const model::Handshake& handshake,
                    std::string_view account) {
  if (account.empty()) return false;
  if (handshake.target_account_id == account) return true;
  // An invitation by email names whoever owns the address when it is answered, which may be an
  // account that did not exist, or had another address, when it was sent.
  if (!handshake.target_account_id.empty()) return false;
  for (const model::HandshakeParty& p : handshake.parties) {
    if (p.type != "EMAIL") continue;
    std::string email = AccountEmail(directory, account);
    return !email.empty() && EqualsIgnoreCase(email, p.id);
  }
  return false;
}

Result<HandshakeTarget> ReadHandshakeTarget(const store::Directory& directory, const json& input) {
  const json& target = input.at("Target");
  std::string id = target.value("Id", "");
  std::string type = target.value("Type", "");
  if (type == "ACCOUNT") {
    if (id.size() != 12 || !IsAsciiDigits(id)) return InvalidInput("INVALID_PARTY_TYPE_TARGET");
    if (directory.FindAccount(id) == nullptr) {
      return Status(ErrorCode::kAccountNotFoundException,
                    "You specified an account that doesn't exist.");
    }
    return HandshakeTarget{id, {id, type}};
  }
  if (type == "EMAIL") {
    if (!LooksLikeEmail(id)) return InvalidInput("INVALID_EMAIL_ADDRESS_TARGET");
    auto account = directory.FindAccountByEmail(id);
    return HandshakeTarget{account != nullptr ? account->id : "", {id, type}};
  }
  return InvalidInput("INVALID_PARTY_TYPE_TARGET");
}

bool LooksLikeEmail(std::string_view email) {
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  if (email.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = email.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace gatehouse::services::organizations
