#include "app/master_key_check.h"

#include "core/crypto.h"

namespace gatehouse::app {
namespace {

constexpr std::string_view kKnownText = "gatehouse master key check";
constexpr std::string_view kAad = "master_key_check";

Status Verify(const model::MasterKeyCheck& check, const std::string& master_key) {
  std::optional<std::string> sealed = HexDecode(check.sealed);
  std::optional<std::string> opened =
      sealed ? Open(master_key, *sealed, kAad) : std::optional<std::string>();
  if (opened && *opened == kKnownText) return Status::Ok();
  return Status(ErrorCode::kInvalidParameterValue,
                "the master key does not open this database's key check: the database was "
                "created with another master key (every instance needs the same one)");
}

}  // namespace

Status CheckMasterKey(store::State& state, const std::string& master_key, Random& random,
                      int64_t now_ms) {
  const std::string key = model::MasterKeyCheck{}.Key();
  if (auto check = state.directory().Get<model::MasterKeyCheck>(key)) {
    return Verify(*check, master_key);
  }
  model::MasterKeyCheck check{HexEncode(Seal(master_key, kKnownText, kAad, random.Bytes(12))),
                              now_ms};
  Status s = state.Commit({{store::Put<model::MasterKeyCheck>{check, /*create=*/true}}});
  if (s.code() == ErrorCode::kEntityAlreadyExists) {
    // Another instance recorded its key first: it must be ours.
    RETURN_IF_ERROR(state.Load());
    if (auto recorded = state.directory().Get<model::MasterKeyCheck>(key)) {
      return Verify(*recorded, master_key);
    }
  }
  return s;
}

}  // namespace gatehouse::app
