#include "store/change_codec.h"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "store/entity_json.h"

namespace gatehouse::store {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InsertAccount, account)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InsertRootUser, root)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InsertUser, user)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeleteUser, account_id, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UpdateUser, account_id, name, new_name, new_path)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetUserTags, account_id, user_name, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InsertAccessKey, key)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeleteAccessKey, id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetAccessKeyStatus, id, status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InsertRootResetToken, token)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ResetRootPassword, token_hash, account_id,
                                                password_hash)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetAccessKeyLastUsed, usage)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutUserPolicy, policy)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeleteUserPolicy, account_id, user_name, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AttachUserPolicy, attachment)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DetachUserPolicy, attachment)

template <typename T>
void to_json(nlohmann::json& j, const Put<T>& w) {
  j = {{"value", w.value}, {"create", w.create}};
}
template <typename T>
void from_json(const nlohmann::json& j, Put<T>& w) {
  w.value = j.at("value").get<T>();
  w.create = j.value("create", false);
}
template <typename T>
void to_json(nlohmann::json& j, const Erase<T>& w) {
  j = {{"key", w.key}};
}
template <typename T>
void from_json(const nlohmann::json& j, Erase<T>& w) {
  w.key = j.at("key").get<std::string>();
}

namespace {

// The op name of each alternative of Write.
template <typename W>
std::string OpName() {
  if constexpr (IsPut<W>::value) {
    return std::string("put/") + RecordKind<typename W::Type>::kName;
  } else if constexpr (IsErase<W>::value) {
    return std::string("erase/") + RecordKind<typename W::Type>::kName;
  } else {
#define OP(Type, name) \
  if constexpr (std::is_same_v<W, Type>) return name;
    OP(InsertAccount, "insert_account")
    OP(InsertRootUser, "insert_root_user")
    OP(InsertUser, "insert_user")
    OP(DeleteUser, "delete_user")
    OP(UpdateUser, "update_user")
    OP(SetUserTags, "set_user_tags")
    OP(InsertAccessKey, "insert_access_key")
    OP(DeleteAccessKey, "delete_access_key")
    OP(SetAccessKeyStatus, "set_access_key_status")
    OP(InsertRootResetToken, "insert_root_reset_token")
    OP(ResetRootPassword, "reset_root_password")
    OP(SetAccessKeyLastUsed, "set_access_key_last_used")
    OP(PutUserPolicy, "put_user_policy")
    OP(DeleteUserPolicy, "delete_user_policy")
    OP(AttachUserPolicy, "attach_user_policy")
    OP(DetachUserPolicy, "detach_user_policy")
#undef OP
  }
}

using Decoder = std::function<Write(const nlohmann::json&)>;

template <size_t... I>
std::map<std::string, Decoder> MakeDecoders(std::index_sequence<I...>) {
  std::map<std::string, Decoder> decoders;
  (decoders.emplace(OpName<std::variant_alternative_t<I, WriteVariant>>(),
                    [](const nlohmann::json& v) -> Write {
                      return v.get<std::variant_alternative_t<I, WriteVariant>>();
                    }),
   ...);
  return decoders;
}

const std::map<std::string, Decoder>& Decoders() {
  static const std::map<std::string, Decoder> decoders =
      MakeDecoders(std::make_index_sequence<std::variant_size_v<WriteVariant>>());
  return decoders;
}

Status Unreadable(const std::string& why) {
  return Status(ErrorCode::kServiceFailure, "unreadable change: " + why);
}

}  // namespace

std::string EncodeWrites(const std::vector<Write>& writes) {
  nlohmann::json out = nlohmann::json::array();
  for (const Write& write : writes) {
    std::visit(
        [&out](const auto& w) {
          out.push_back({{"op", OpName<std::decay_t<decltype(w)>>()}, {"v", w}});
        },
        write.get());
  }
  try {
    return out.dump();
  } catch (const nlohmann::json::exception&) {
    // Text that is not UTF-8 cannot be kept as JSON: the batch goes into the feed without its
    // writes, and followers reload everything from the tables instead.
    return "";
  }
}

Result<std::vector<Write>> DecodeWrites(std::string_view text) {
  nlohmann::json list = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (list.is_discarded() || !list.is_array()) return Unreadable("not a list");
  std::vector<Write> writes;
  writes.reserve(list.size());
  for (const nlohmann::json& item : list) {
    if (!item.is_object() || !item.contains("op") || !item["op"].is_string() ||
        !item.contains("v")) {
      return Unreadable("not a write");
    }
    auto decoder = Decoders().find(item["op"].get<std::string>());
    if (decoder == Decoders().end()) return Unreadable("unknown op " + item["op"].dump());
    try {
      writes.push_back(decoder->second(item["v"]));
    } catch (const nlohmann::json::exception& e) {
      return Unreadable(e.what());
    }
  }
  return writes;
}

Change ReadChange(int64_t sequence, const std::optional<std::string>& writes) {
  Change change{sequence, std::nullopt};
  if (!writes) return change;
  Result<std::vector<Write>> decoded = DecodeWrites(*writes);
  if (decoded.ok()) change.writes = std::move(*decoded);
  return change;
}

}  // namespace gatehouse::store
