#include "app/store_digest.h"

#include <algorithm>
#include <map>

#include "app/raw_record_put.h"
#include "core/crypto.h"

namespace gatehouse::app {
namespace {

// One entry's canonical encoding: its kind, then each field as its length and its bytes.
class Entry {
 public:
  explicit Entry(std::string_view kind) { Field(kind); }
  Entry& Field(std::string_view bytes) {
    text_ += std::to_string(bytes.size());
    text_ += ':';
    text_ += bytes;
    return *this;
  }
  Entry& Field(int64_t number) { return Field(std::to_string(number)); }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

void Fields(const model::Account& a, Entry& entry) {
  entry.Field(a.id).Field(a.name).Field(a.email).Field(a.created_ms);
}
void Fields(const model::RootUser& r, Entry& entry) {
  entry.Field(r.account_id).Field(r.email).Field(r.password_hash);
}
void Fields(const model::User& u, Entry& entry) {
  entry.Field(u.account_id).Field(u.name).Field(u.path).Field(u.id).Field(u.created_ms);
  entry.Field(static_cast<int64_t>(u.tags.size()));
  for (const model::Tag& tag : u.tags) entry.Field(tag.key).Field(tag.value);  // in order
}
void Fields(const model::AccessKey& k, Entry& entry) {
  entry.Field(k.id)
      .Field(k.account_id)
      .Field(k.user_name)
      .Field(k.sealed_secret)
      .Field(k.status == model::AccessKeyStatus::kActive ? "Active" : "Inactive")
      .Field(k.created_ms);
}
void Fields(const model::UserPolicy& p, Entry& entry) {
  entry.Field(p.account_id).Field(p.user_name).Field(p.name).Field(p.document);
}
void Fields(const model::UserPolicyAttachment& a, Entry& entry) {
  entry.Field(a.account_id).Field(a.user_name).Field(a.policy_arn);
}
void Fields(const model::RootResetToken& t, Entry& entry) {
  entry.Field(t.token_hash).Field(t.account_id).Field(t.expires_ms);
}
void Fields(const model::AccessKeyLastUsed& u, Entry& entry) {
  entry.Field(u.access_key_id).Field(u.used_ms).Field(u.service).Field(u.region);
}

// The entries of a store, encoded, and how many there are of each kind (in the order the kinds
// were added).
struct Entries {
  std::vector<std::string> encoded;
  std::vector<std::pair<std::string, int64_t>> counts;

  template <typename T>
  void AddAll(const char* kind, const std::vector<T>& values) {
    for (const T& value : values) {
      Entry entry(kind);
      Fields(value, entry);
      encoded.push_back(entry.Take());
    }
    counts.emplace_back(kind, static_cast<int64_t>(values.size()));
  }
  Status AddRecords(const std::vector<store::RawRecord>& records) {
    std::map<std::string, int64_t> counted;
    for (const store::RawRecord& record : records) {
      Result<store::Write> put = PutOfRawRecord(record);
      if (!put.ok()) return put.status();
      encoded.push_back(Entry(record.kind).Field(record.key).Field(CanonicalBodyOf(*put)).Take());
      ++counted[record.kind];
    }
#define X(Type, kind) counts.emplace_back(kind, counted[kind]);
#include "store/record_kinds.def"
#undef X
    return Status::Ok();
  }
};

}  // namespace

Result<StoreDigest> DigestStoreData(const store::StoreData& data) {
  // Every member, named: one added to StoreData stops the build here until it is digested.
  [[maybe_unused]] const auto& [accounts, roots, users, access_keys, user_policies,
                                user_attachments, root_reset_tokens, key_usage, records,
                                sequence] = data;  // the sequence is not content
  Entries entries;
  entries.AddAll("account", accounts);
  entries.AddAll("root_user", roots);
  entries.AddAll("user", users);
  entries.AddAll("access_key", access_keys);
  entries.AddAll("user_policy", user_policies);
  entries.AddAll("user_policy_attachment", user_attachments);
  entries.AddAll("root_reset_token", root_reset_tokens);
  entries.AddAll("access_key_last_used", key_usage);
  RETURN_IF_ERROR(entries.AddRecords(records));
  StoreDigest digest;
  digest.counts = entries.counts;
  digest.total = static_cast<int64_t>(entries.encoded.size());

  std::sort(entries.encoded.begin(), entries.encoded.end());
  std::string all;
  for (const std::string& entry : entries.encoded) {
    all += std::to_string(entry.size());
    all += ':';
    all += entry;
  }
  digest.sha256 = HexEncode(Sha256(all));
  return digest;
}

std::string DescribeDigest(const StoreDigest& digest) {
  std::string out;
  for (const auto& [kind, count] : digest.counts) {
    if (count == 0) continue;
    out += std::to_string(count) + " " + kind + ", ";
  }
  return out + std::to_string(digest.total) + " in all; sha256 " + digest.sha256;
}

}  // namespace gatehouse::app
