// Identifiers in AWS's formats: 12-digit account ids, unique ids with their type prefix (AIDA
// users, AROA roles, AGPA groups, ANPA managed policies, AIPA instance profiles) followed by 17
// characters of [A-Z2-7], access key ids (AKIA long-term, ASIA temporary) of 20 characters, and
// 40-character secret access keys. All drawn from a Random.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace gatehouse {

enum class IdKind { kUser, kRole, kGroup, kManagedPolicy, kInstanceProfile };

std::string_view IdPrefix(IdKind kind);  // "AIDA"

std::string NewAccountId(Random& random);              // "482913056712", no leading 0
std::string NewUniqueId(Random& random, IdKind kind);  // "AIDA" + 17 → 21 characters
// "AKIA"/"ASIA" + 16 of [A-Z2-7]. With `account` (12 digits) the id carries it in its first 40
// bits, so that sts:GetAccessKeyInfo can tell a key's account from its id alone, as AWS does;
// the other 40 bits are random.
std::string NewAccessKeyId(Random& random, bool temporary, std::string_view account = {});
// The account an id made with an account carries; nullopt when it is not such an id.
std::optional<std::string> AccountOfAccessKeyId(std::string_view id);
std::string NewSecretAccessKey(Random& random);  // 40 of [A-Za-z0-9+/]

// Organizations' identifiers: o- + 10, r- + 4, ou-ROOT-8 (ROOT: the root id's 4 characters),
// p- + 8, h- + 10 and car- + 32 characters of [a-z0-9].
std::string NewOrganizationId(Random& random);
std::string NewRootId(Random& random);
std::string NewOrganizationalUnitId(Random& random, std::string_view root_id);
std::string NewOrganizationPolicyId(Random& random);
std::string NewHandshakeId(Random& random);
std::string NewResourcePolicyId(Random& random);  // rp- + 8 of [a-z0-9]
std::string NewCreateAccountRequestId(Random& random);
std::string NewResponsibilityTransferId(Random& random);  // rt- + 16 of [a-z0-9]

// `length` characters drawn uniformly from `alphabet`.
std::string RandomString(Random& random, std::string_view alphabet, size_t length);

}  // namespace gatehouse
