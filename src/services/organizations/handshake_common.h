// What handshakes (invitations to join an organization) share between their handlers and the
// authorization of requests naming them: the state a handshake reads as at a given time (an open
// one past its expiry is EXPIRED, though no write ever said so), the transitions AWS allows, the
// handshake's ARN and JSON, and whether an account is the party a handshake invites. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/status.h"
#include "model/organization_entities.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

// A handshake sent to several parties that not all have answered yet (the management account's
// ENABLE_ALL_FEATURES, all_features.h); it becomes OPEN when they have.
inline constexpr char kHandshakeRequested[] = "REQUESTED";

// `handshake`'s state at `now_ms`: an open or requested one past its expiry is EXPIRED.
std::string EffectiveState(const model::Handshake& handshake, int64_t now_ms);

// Whether a handshake in state `current` may move to `wanted` (ACCEPTED, DECLINED or
// CANCELED): OK, HandshakeAlreadyInStateException when it is there already, or
// InvalidHandshakeTransitionException when it has ended otherwise (or, still REQUESTED, is
// answered otherwise than canceled).
Status CheckTransition(std::string_view current, std::string_view wanted);

// A new handshake id (h-…) that no handshake has.
std::string UnusedHandshakeId(const store::Directory& directory, Random& random);

// arn:aws:organizations::MANAGEMENT:handshake/o-…/ACTION/h-… (ACTION in lower case: invite,
// enable_all_features).
std::string HandshakeArn(const model::Handshake& handshake);

// The Handshake shape as the API returns it, its State read at `now_ms`.
nlohmann::json HandshakeJson(const model::Handshake& handshake, int64_t now_ms);

// True when `handshake` invites `account`: named by id, or by an email that is the account's
// (its root user's), compared without case.
bool InvitesAccount(const store::Directory& directory, const model::Handshake& handshake,
                    std::string_view account);

// The email of `account`'s root user (the account's email when it has no root user record);
// "" for an unknown account.
std::string AccountEmail(const store::Directory& directory, std::string_view account);

// The party an input Target names (ACCOUNT or EMAIL), with the account it is (resolved from
// an email when an account has it).
struct HandshakeTarget {
  std::string account_id;  // "" for an email no account here has (yet)
  model::HandshakeParty party;
};

// The input's Target, or AWS's answer to a target that cannot be invited: InvalidInputException
// (INVALID_PARTY_TYPE_TARGET, INVALID_EMAIL_ADDRESS_TARGET) or AccountNotFoundException.
Result<HandshakeTarget> ReadHandshakeTarget(const store::Directory& directory,
                                            const nlohmann::json& input);

// A plausible email address: one '@', something before it, a dotted domain after it, no spaces.
bool LooksLikeEmail(std::string_view email);

}  // namespace gatehouse::services::organizations
