#include "services/access_activity.h"

#include "core/arn.h"

namespace gatehouse::services {
namespace {

void KeepLater(std::map<std::string, model::AccessMark>& into,
               const std::map<std::string, model::AccessMark>& later) {
  for (const auto& [name, mark] : later) {
    model::AccessMark& kept = into[name];
    if (mark.ms >= kept.ms) kept = mark;
  }
}

// Whether the user, role or account `activity` is about still exists (the same one, not a
// namesake).
bool StillExists(const store::Directory& directory, const model::PrincipalActivity& activity) {
  if (activity.principal_id == activity.account_id) {
    return directory.FindAccount(activity.account_id) != nullptr;
  }
  std::optional<ArnView> arn = ArnView::Parse(activity.principal_arn);
  if (!arn) return false;
  const std::string name(arn->ResourceName());
  if (arn->ResourceType() == "user") {
    auto user = directory.FindUser(activity.account_id, name);
    if (user != nullptr) return user->id == activity.principal_id;
    // Renamed since the ARN was seen (a user's sessions keep the name they were made under).
    for (const auto& u : directory.ListUsers(activity.account_id)) {
      if (u->id == activity.principal_id) return true;
    }
    return false;
  }
  if (arn->ResourceType() == "role") {
    auto role = directory.Get<model::Role>(model::RecordKey({activity.account_id, name}));
    return role != nullptr && role->id == activity.principal_id;
  }
  return false;
}

}  // namespace

ActingPrincipal ActingPrincipalOf(const auth::AccessKeyRecord& caller) {
  const std::string root = "arn:aws:iam::" + caller.account_id + ":root";
  if (caller.session) {
    const auth::SessionClaims& s = *caller.session;
    if (s.role_id.empty()) return {s.account_id, s.account_id, root};  // the root user's
    return {s.account_id, s.role_id, s.source_arn};
  }
  if (caller.user_id.empty() || caller.user_id == caller.account_id) {
    return {caller.account_id, caller.account_id, root};
  }
  return {caller.account_id, caller.user_id, caller.principal_arn};
}

void MergeActivity(model::PrincipalActivity& into, const model::PrincipalActivity& later) {
  if (!later.principal_arn.empty()) into.principal_arn = later.principal_arn;
  KeepLater(into.services, later.services);
  KeepLater(into.actions, later.actions);
}

std::optional<model::AccessMark> LatestAttempt(const model::PrincipalActivity& activity) {
  std::optional<model::AccessMark> latest;
  for (const auto& [service, mark] : activity.services) {
    if (!latest || mark.ms > latest->ms) latest = mark;
  }
  return latest;
}

void AccessActivity::Record(const auth::AccessKeyRecord& caller, const std::string& service,
                            const std::string& action, const std::string& region, int64_t now_ms) {
  ActingPrincipal who = ActingPrincipalOf(caller);
  const std::string key = model::RecordKey({who.account_id, who.id});
  std::lock_guard<std::mutex> lock(mu_);
  model::PrincipalActivity& a = pending_[key];
  if (a.principal_id.empty()) {
    a.account_id = who.account_id;
    a.principal_id = who.id;
  }
  a.principal_arn = std::move(who.arn);
  const model::AccessMark mark{now_ms, region};
  a.services[service] = mark;
  a.actions[service + ":" + action] = mark;
}

std::optional<model::PrincipalActivity> AccessActivity::Find(
    const store::Directory& directory, const std::string& account_id,
    const std::string& principal_id) const {
  const std::string key = model::RecordKey({account_id, principal_id});
  std::optional<model::PrincipalActivity> out;
  if (auto stored = directory.Get<model::PrincipalActivity>(key)) out = *stored;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = pending_.find(key); it != pending_.end()) {
    if (!out) out = model::PrincipalActivity{account_id, principal_id, "", {}, {}};
    MergeActivity(*out, it->second);
  }
  return out;
}

std::vector<model::PrincipalActivity> AccessActivity::OfAccount(
    const store::Directory& directory, const std::string& account_id) const {
  const std::string prefix = model::RecordKey({account_id}) + "/";
  std::map<std::string, model::PrincipalActivity> merged;
  for (const auto& stored : directory.Scan<model::PrincipalActivity>(prefix)) {
    merged.emplace(stored->Key(), *stored);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = pending_.lower_bound(prefix);
         it != pending_.end() && it->first.starts_with(prefix); ++it) {
      auto [at, inserted] = merged.try_emplace(it->first, it->second);
      if (!inserted) MergeActivity(at->second, it->second);
    }
  }
  std::vector<model::PrincipalActivity> out;
  for (auto& [key, a] : merged) out.push_back(std::move(a));
  return out;
}

void AccessActivity::Keep(std::map<std::string, model::PrincipalActivity>& items) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, activity] : items) {
    auto [it, inserted] = pending_.try_emplace(key, activity);
    if (!inserted) {
      // What was recorded meanwhile is the later attempt.
      model::PrincipalActivity newer = std::move(it->second);
      it->second = std::move(activity);
      MergeActivity(it->second, newer);
    }
  }
}

Status AccessActivity::Flush(store::State& state) {
  std::map<std::string, model::PrincipalActivity> items;
  {
    std::lock_guard<std::mutex> lock(mu_);
    items.swap(pending_);
  }
  store::WriteBatch batch;
  for (const auto& [key, recorded] : items) {
    if (!StillExists(state.directory(), recorded)) continue;
    auto stored = state.directory().Get<model::PrincipalActivity>(key);
    model::PrincipalActivity merged = stored ? *stored : recorded;
    if (stored) {
      MergeActivity(merged, recorded);
      batch.preconditions.push_back(store::Unchanged(*stored));
    } else {
      batch.preconditions.push_back(store::Absent<model::PrincipalActivity>(key));
    }
    batch.writes.push_back(store::Put<model::PrincipalActivity>{merged});
  }
  if (batch.writes.empty()) return Status::Ok();
  Status s = state.Commit(batch);
  // Another instance flushed the same principal first: try again at the next flush, against the
  // record it wrote.
  if (s.code() == ErrorCode::kStoreConflict) Keep(items);
  return s;
}

}  // namespace gatehouse::services
