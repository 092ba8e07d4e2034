#include "auth/password_rules.h"

namespace gatehouse::auth {
namespace {

constexpr size_t kDefaultMinimumLength = 8;
constexpr int kDefaultCharacterTypes = 3;

struct CharacterTypes {
  bool upper = false;
  bool lower = false;
  bool digit = false;
  bool symbol = false;

  int count() const { return upper + lower + digit + symbol; }
};

CharacterTypes TypesOf(std::string_view password) {
  CharacterTypes t;
  for (char c : password) {
    if (c >= 'A' && c <= 'Z')
      t.upper = true;
    else if (c >= 'a' && c <= 'z')
      t.lower = true;
    else if (c >= '0' && c <= '9')
      t.digit = true;
    else if (kPasswordSymbols.find(c) != std::string_view::npos)
      t.symbol = true;
  }
  return t;
}

Status Violation() {
  return Status(ErrorCode::kPasswordPolicyViolation,
                "Password does not conform to the account password policy.");
}

}  // namespace

Status CheckPasswordRules(std::string_view password, const model::PasswordPolicy* policy,
                          const model::Account* account) {
  CharacterTypes types = TypesOf(password);
  if (policy == nullptr) {
    bool matches_account =
        account != nullptr && (password == account->name || password == account->email);
    if (password.size() < kDefaultMinimumLength || types.count() < kDefaultCharacterTypes ||
        matches_account) {
      return Violation();
    }
    return Status::Ok();
  }
  if (static_cast<int64_t>(password.size()) < policy->minimum_password_length ||
      (policy->require_uppercase && !types.upper) || (policy->require_lowercase && !types.lower) ||
      (policy->require_numbers && !types.digit) || (policy->require_symbols && !types.symbol)) {
    return Violation();
  }
  return Status::Ok();
}

}  // namespace gatehouse::auth
